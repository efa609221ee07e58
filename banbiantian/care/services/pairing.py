"""结对帮扶: a helper paired with a woman, and the visits that keep the pairing alive."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, User
from banbiantian.lib.errors import Errors
from banbiantian.people.models import Person

from .. import tally
from ..models import (
    HelperKind,
    Pairing,
    Programme,
    Visit,
)
from ._common import _check_person_in_programme


@transaction.atomic
def pairing_create(*, by: User, beneficiary: Person, helper_kind: str, start_date: datetime.date,
                   helper: Person | None = None, helper_user: User | None = None,
                   programme: Programme | None = None, situation: str = "") -> Pairing:
    """The helper is a registered person (volunteer, caring mother …) or, for a cadre, her account."""
    require_perm(by, "edit_care")
    errors = Errors()
    if (helper is None) == (helper_user is None):
        errors.add("helper", _("请选择一位帮扶人(已登记的人员或本单位的干部)。"))
    if helper_user is not None:
        if helper_kind != HelperKind.CADRE:
            errors.add("helper_kind", _("选择系统用户作为帮扶人时，帮扶人身份应为妇联干部。"))
        if helper_user.unit_id is None or not helper_user.unit.is_within(by.unit):
            errors.add("helper_user", _("所选干部不在您的管辖范围内。"))
    if helper is not None and helper.pk == beneficiary.pk:
        errors.add("helper", _("帮扶人不能是帮扶对象本人。"))
    if start_date > timezone.localdate():
        errors.add("start_date", _("结对日期不能晚于今天。"))
    errors.raise_if_any()
    if programme is not None:
        _check_person_in_programme(programme, beneficiary, field="beneficiary")
    if Pairing.objects.filter(helper=helper, helper_user=helper_user, beneficiary=beneficiary,
                              end_date__isnull=True).exists():
        raise ValidationError({"helper": _("二人已在结对中。")})
    pairing = Pairing.objects.create(helper=helper, helper_user=helper_user, beneficiary=beneficiary, helper_kind=helper_kind,
                                     start_date=start_date, programme=programme, situation=situation,
                                     last_contact_on=start_date)
    tally.pairing_moved(beneficiary.unit_id, None, start_date)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=pairing, unit=beneficiary.unit,
                 changes=audit.snapshot(pairing))
    return pairing


@transaction.atomic
def pairing_end(*, by: User, pairing: Pairing, end_date: datetime.date) -> Pairing:
    require_perm(by, "edit_care")
    if pairing.end_date:
        raise ValidationError({"end_date": _("该结对已结束。")})
    if end_date < pairing.start_date:
        raise ValidationError({"end_date": _("结束日期不能早于结对日期。")})
    if end_date > timezone.localdate():
        raise ValidationError({"end_date": _("结束日期不能晚于今天。")})
    pairing.end_date = end_date
    pairing.save(update_fields=["end_date"])
    tally.pairing_moved(pairing.beneficiary.unit_id, pairing.last_contact_on, None)
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=pairing, unit=pairing.beneficiary.unit,
                 changes={"end_date": [None, str(end_date)]})
    return pairing


@transaction.atomic
def visit_create(*, by: User, pairing: Pairing, date: datetime.date, kind: str, done: str, needs: str = "",
                 next_step: str = "") -> Visit:
    require_perm(by, "edit_care")
    errors = Errors()
    if date > timezone.localdate():
        errors.add("date", _("走访日期不能晚于今天。"))
    if date < pairing.start_date:
        errors.add("date", _("走访日期不能早于结对日期。"))
    if not (done or "").strip():
        errors.add("done", _("请填写帮扶内容。"))
    if pairing.end_date is not None and date > pairing.end_date:
        errors.add("date", _("走访日期不能晚于结对结束日期。"))
    errors.raise_if_any()
    visit = Visit.objects.create(pairing=pairing, date=date, kind=kind, done=done, needs=needs, next_step=next_step,
                                 created_by=by)
    if date > pairing.last_contact_on:
        Pairing.objects.filter(pk=pairing.pk).update(last_contact_on=date)
        if pairing.end_date is None:
            tally.pairing_moved(pairing.beneficiary.unit_id, pairing.last_contact_on, date)
        pairing.last_contact_on = date
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=visit, unit=pairing.beneficiary.unit,
                 changes=audit.snapshot(visit))
    return visit
