"""登记: registering a case (from the form, or from an old register through the import) and correcting it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, Level, OrgUnit

from .. import rules
from ..models import (
    Case,
    CaseCounter,
    CaseEvent,
    Status,
)
from ._case import (
    AUDITED,
    EDITABLE_FIELDS,
    ENCRYPTED,
    _lock,
    _require_case,
    _save,
)


def handling_unit_for(user) -> OrgUnit:
    """Cases registered in a village are handled by its township federation."""
    unit = user.unit
    if unit.level in (Level.VILLAGE, Level.COMMITTEE) and unit.parent_id:
        return unit.parent
    return unit


def _next_number(unit: OrgUnit, year: int) -> tuple[int, str]:
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(unit=unit, year=year)
    counter.last = F("last") + 1
    counter.save(update_fields=["last"])
    counter.refresh_from_db(fields=["last"])
    policy = rules.policy_for(unit)
    return counter.last, rules.format_number(unit, policy, year, counter.last)


def _clean(data: dict, today: datetime.date) -> dict:
    errors = {}
    if not (data.get("request") or "").strip():
        errors["request"] = _("诉求不能为空。")
    received = data.get("received_on")
    if received and received > today:
        errors["received_on"] = _("收到日期不能晚于今天。")
    if data.get("category") is not None and not data["category"].active:
        errors["category"] = _("该类别已停用。")
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def case_register(*, by, petitioner, data: dict, same_matter_as: Case | None = None) -> Case:
    """登记: every petition is registered, whatever happens to it next."""
    require_perm(by, "register_rights_cases")
    from banbiantian.core.access import scope
    from banbiantian.people.models import Person

    if not scope(Person.objects.filter(pk=petitioner.pk), by, "view_people").exists():
        raise ValidationError({"petitioner": _("所选当事人不在您的管辖范围内。")})
    today = timezone.localdate()
    data = _clean({k: v for k, v in data.items() if k in EDITABLE_FIELDS}, today)
    data.setdefault("received_on", today)
    if same_matter_as is not None and same_matter_as.petitioner_id != petitioner.pk:
        raise ValidationError({"same_matter_as": _("所选前案不是该当事人的案件。")})
    unit = handling_unit_for(by)
    policy = rules.policy_for(unit)
    received = data["received_on"]
    seq, number = _next_number(unit, received.year)
    case = Case(unit=unit, petitioner=petitioner, registered_by=by, year=received.year, seq=seq, number=number,
                reply_due=received + datetime.timedelta(days=policy.reply_days), **data)
    if case.channel == "assigned":
        case.object_due = rules.add_workdays(received, policy.object_workdays)
    if same_matter_as is not None:
        case.repeat_of = same_matter_as
        case.is_repeat = True
    case.is_dv = case.is_dv or case.category.is_domestic_violence
    case.save()
    CaseEvent.objects.create(case=case, actor=by, kind=_("登记"),
                             note=_("同一事项重复信访（前案 %(n)s）") % {"n": same_matter_as.number} if same_matter_as else "")
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=case,
                 changes={k: [None, v] for k, v in audit.snapshot(case, ["number", *AUDITED]).items()
                          if v not in ("", None, False)})
    return case


@transaction.atomic
def case_update(*, by, case: Case, data: dict, version) -> Case:
    _require_case(by, case, "register_rights_cases" if by.pk == case.registered_by_id else "edit_rights_cases")
    for field, value in data.items():
        if field in EDITABLE_FIELDS:
            setattr(case, field, value)
    current = _lock(case, version)
    _clean({f: getattr(case, f) for f in EDITABLE_FIELDS}, timezone.localdate())
    before = audit.snapshot(current, AUDITED)
    encrypted_changed = [f for f in ENCRYPTED if getattr(current, f) != getattr(case, f)]
    for field in EDITABLE_FIELDS:
        setattr(current, field, getattr(case, field))
    if current.category.is_domestic_violence:
        current.is_dv = True
    if "received_on" in audit.diff(before, audit.snapshot(current, AUDITED)):
        if current.status != Status.REGISTERED:
            raise ValidationError({"received_on": _("案件已受理，收到日期不能再修改。")})
        policy = rules.policy_for(current.unit)
        current.reply_due = current.received_on + datetime.timedelta(days=policy.reply_days)
        if current.object_due:
            current.object_due = rules.add_workdays(current.received_on, policy.object_workdays)
    changes = audit.diff(before, audit.snapshot(current, AUDITED))
    for field in encrypted_changed:
        changes[field] = [_("（加密内容）"), _("已修改")]
    _save(current, by, _("修改登记信息"), changes=changes)
    return current
