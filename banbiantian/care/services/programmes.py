"""Programmes (帮扶项目) and the people enrolled in them, through 申请 → 审核 → 帮扶 → 结束."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, OrgUnit, User
from banbiantian.people.models import Person, SpecialGroup

from .. import tally
from ..models import (
    DECISIONS,
    TRANSITIONS,
    Enrolment,
    EnrolmentStep,
    Programme,
    Status,
)
from ._common import _check_person_in_programme, _within, clean_money

PROGRAMME_FIELDS = ["name", "kind", "year", "budget", "fund_source", "eligibility"]


def _clean_programme(data: dict) -> dict:
    data = dict(data)
    if not (data.get("name") or "").strip():
        raise ValidationError({"name": _("项目名称不能为空。")})
    year = data.get("year")
    if not year or not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("年度应在2000至2100之间。")})
    data["budget"] = clean_money(value=data.get("budget"), field="budget", label=_("预算"), required=False)
    return data


@transaction.atomic
def programme_create(*, by: User, unit: OrgUnit, name: str, kind: str, year: int,
                     budget: Decimal | str | None = None, fund_source: str = "", eligibility: str = "",
                     target_groups: Iterable[SpecialGroup] = ()) -> Programme:
    require_perm(by, "edit_care")
    _within(by, unit)
    data = _clean_programme(dict(name=name, kind=kind, year=year, budget=budget, fund_source=fund_source,
                                 eligibility=eligibility))
    programme = Programme.objects.create(unit=unit, **{k: data.get(k, "") for k in PROGRAMME_FIELDS})
    programme.target_groups.set(target_groups)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=programme, changes=audit.snapshot(programme))
    return programme


@transaction.atomic
def programme_update(*, by: User, programme: Programme, name: str, kind: str, year: int,
                     budget: Decimal | str | None = None, fund_source: str = "", eligibility: str = "",
                     target_groups: Iterable[SpecialGroup] = ()) -> Programme:
    """The whole programme is rewritten from the arguments (its unit stays)."""
    require_perm(by, "edit_care")
    _within(by, programme.unit, new=False)
    data = _clean_programme(dict(name=name, kind=kind, year=year, budget=budget, fund_source=fund_source,
                                 eligibility=eligibility))
    before = audit.snapshot(programme)
    for key in PROGRAMME_FIELDS:
        setattr(programme, key, data.get(key, ""))
    programme.save()
    programme.target_groups.set(target_groups)
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=programme,
                 changes=audit.diff(before, audit.snapshot(programme)))
    return programme


# ---- enrolment ---------------------------------------------------------------------------------

@transaction.atomic
def enrolment_create(*, by: User, programme: Programme, person: Person,
                     applied_on: datetime.date | None = None, reason: str = "") -> Enrolment:
    """The application step takes effect on `applied_on` (today when not given)."""
    require_perm(by, "edit_care")
    _check_person_in_programme(programme, person)
    if Enrolment.objects.filter(programme=programme, person=person).exists():
        raise ValidationError({"person": _("“%(name)s”已在该项目中。") % {"name": person.name}})
    enrolment = Enrolment.objects.create(programme=programme, person=person, applied_on=applied_on or timezone.localdate(),
                                         reason=reason)
    EnrolmentStep.objects.create(enrolment=enrolment, to_status=Status.APPLIED, reason=reason, by=by,
                                 on=enrolment.applied_on)
    tally.enrolment_moved(enrolment, None, Status.APPLIED)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=enrolment, unit=person.unit,
                 changes={"status": Status.APPLIED, "reason": reason})
    return enrolment


@transaction.atomic
def enrolment_transition(*, by: User, enrolment: Enrolment, to: str, reason: str = "",
                         on: datetime.date | None = None) -> Enrolment:
    """Move the enrolment on; the step takes effect `on` that day (a ledger's decision date; today when not
    given), never before the application nor after today."""
    require_perm(by, "approve_care" if to in DECISIONS else "edit_care")
    enrolment = Enrolment.objects.select_for_update().select_related("person__unit").get(pk=enrolment.pk)
    current = Status(enrolment.status)
    if to not in TRANSITIONS[current]:
        raise ValidationError({"status": _("状态“%(a)s”不能直接变为“%(b)s”。") % {
            "a": current.label, "b": Status(to).label if to in Status.values else to}})
    reason = (reason or "").strip()
    if to in (Status.REJECTED, Status.ENDED) and not reason:
        raise ValidationError({"reason": _("不通过或结束时必须填写理由。")})
    today = timezone.localdate()
    if on is not None and on > today:
        raise ValidationError({"on": _("办理日期不能晚于今天。")})
    if on is not None and on < enrolment.applied_on:
        raise ValidationError({"on": _("办理日期不能早于申请日期（%(d)s）。") % {"d": enrolment.applied_on}})
    on = on or today
    enrolment.status = to
    enrolment.reason = reason
    enrolment.save(update_fields=["status", "reason", "updated_at"])
    EnrolmentStep.objects.create(enrolment=enrolment, from_status=current, to_status=to, reason=reason, by=by, on=on)
    tally.enrolment_moved(enrolment, current, to)
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=enrolment, unit=enrolment.person.unit,
                 changes={"status": [current.value, to], "reason": reason, "on": str(on)})
    return enrolment
