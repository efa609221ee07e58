"""春蕾计划: girls registered, their aid term by term, leaving school."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, User
from banbiantian.lib.errors import Errors
from banbiantian.people.models import Person

from ..models import (
    LIVE,
    Fund,
    SpringBudAid,
    SpringBudGirl,
)
from ._common import clean_money
from .consent import _require_child_basis
from .funds import _pay_from_fund


@transaction.atomic
def spring_bud_register(*, by: User, person: Person, school: str, grade: str, registered_on: datetime.date,
                        family_situation: str = "", donor: str = "") -> SpringBudGirl:
    require_perm(by, "edit_care")
    if person.sex != "F":
        raise ValidationError({"person": _("春蕾计划资助的是女童。")})
    if person.age is not None and person.age >= 18:
        raise ValidationError({"person": _("“%(name)s”已满十八周岁，不能登记为春蕾女童。") % {"name": person.name}})
    _require_child_basis(person)
    errors = Errors()
    if SpringBudGirl.objects.filter(person=person).exists():
        errors.add("person", _("“%(name)s”已在春蕾女童名册中。") % {"name": person.name})
    if not (school or "").strip():
        errors.add("school", _("请填写就读学校。"))
    errors.raise_if_any()
    girl = SpringBudGirl.objects.create(person=person, school=school, grade=grade, registered_on=registered_on,
                                        family_situation=family_situation, donor=donor)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=girl, unit=person.unit,
                 changes=audit.snapshot(girl, ["school", "grade", "donor", "registered_on"]))
    return girl


@transaction.atomic
def spring_bud_aid(*, by: User, girl: SpringBudGirl, term: str, amount: Decimal | str, donor: str,
                   paid_on: datetime.date, fund: Fund | None = None,
                   overdraw_reason: str = "") -> SpringBudAid:
    require_perm(by, "edit_care")
    amount = clean_money(value=amount, field="amount", label=_("资助金额"))
    if girl.left_school_on:
        raise ValidationError({"term": _("该女童已离校，不能再发放资助。")})
    if not (term or "").strip():
        raise ValidationError({"term": _("请填写学期。")})
    if SpringBudAid.objects.filter(LIVE, girl=girl, term=term.strip()).exists():
        raise ValidationError({"term": _("%(t)s已发放过资助。") % {"t": term}})
    aid = SpringBudAid.objects.create(girl=girl, term=term.strip(), amount=amount, donor=donor, paid_on=paid_on,
                                      fund=fund)
    _pay_from_fund(by=by, fund=fund, amount=amount, date=paid_on, party=girl.person.name,
                   purpose=_("春蕾助学 %(t)s") % {"t": aid.term}, overdraw_reason=overdraw_reason, spring_bud_aid=aid)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=aid, unit=girl.person.unit,
                 changes={"term": aid.term, "amount": str(amount), "donor": donor})
    return aid


@transaction.atomic
def spring_bud_left_school(*, by: User, girl: SpringBudGirl, left_on: datetime.date,
                           reason: str) -> SpringBudGirl:
    require_perm(by, "edit_care")
    if not (reason or "").strip():
        raise ValidationError({"left_reason": _("请填写离校原因。")})
    girl.left_school_on, girl.left_reason = left_on, reason
    girl.save(update_fields=["left_school_on", "left_reason"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=girl, unit=girl.person.unit,
                 changes={"left_school_on": [None, str(left_on)], "left_reason": [None, reason]})
    return girl
