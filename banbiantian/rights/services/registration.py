"""登记: registering a case (from the form, or from an old register through the import) and correcting it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm, scope
from banbiantian.core.models import AuditEntry, OrgUnit, User
from banbiantian.lib.errors import Errors
from banbiantian.lib.unchanged import UNCHANGED, Unchanged, given
from banbiantian.people.models import Person

from .. import rules
from ..models import (
    Case,
    CaseCategory,
    CaseCounter,
    CaseEvent,
    RightsPolicy,
    RiskLevel,
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


def _check_petitioner(by, petitioner) -> None:
    if not scope(Person.objects.filter(pk=petitioner.pk), by, "view_people").exists():
        raise ValidationError({"petitioner": _("所选当事人不在您的管辖范围内。")})


def _numbered_case(*, by, unit: OrgUnit, petitioner, data: dict) -> tuple[Case, RightsPolicy]:
    """A new case of the handling unit (unsaved), numbered in its yearly series, the reply due from the
    received date, and a family-violence case if its category is one."""
    policy = rules.policy_for(unit)
    received = data["received_on"]
    seq, number = _next_number(unit, received.year)
    case = Case(unit=unit, petitioner=petitioner, registered_by=by, year=received.year, seq=seq, number=number,
                reply_due=received + datetime.timedelta(days=policy.reply_days), **data)
    case.is_dv = case.is_dv or case.category.is_domestic_violence
    return case, policy


def _save_registered(case: Case, *, by, kind: str, note: str, audited: list[str], extra: dict | None = None) -> Case:
    """Save the new case with its first timeline step and its audit row (the values it was registered with)."""
    case.save()
    CaseEvent.objects.create(case=case, actor=by, kind=kind, note=note)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=case,
                 changes={**{k: [None, v] for k, v in audit.snapshot(case, audited).items()
                             if v not in ("", None, False)}, **(extra or {})})
    return case


@transaction.atomic
def case_register(*, by: User, petitioner: Person, channel: str, category: CaseCategory, request: str,
                  received_on: datetime.date | None = None, respondent: str = "",
                  respondent_relation: str = "", narrative: str = "", injuries: str = "",
                  current_address: str = "", reporter_name: str = "", reporter_phone: str = "",
                  confidential: bool = False, consent_share: bool = False, consent_contact: bool = True,
                  skip_level: bool = False, lacks_capacity: bool = False,
                  same_matter_as: Case | None = None) -> Case:
    """登记: every petition is registered, whatever happens to it next. A case registered in a village is
    handled by its township (rules.handling_unit). Received today unless `received_on` says otherwise."""
    require_perm(by, "register_rights_cases")
    _check_petitioner(by, petitioner)
    today = timezone.localdate()
    data = _clean(dict(
        channel=channel, category=category, respondent=respondent, respondent_relation=respondent_relation,
        request=request, narrative=narrative, injuries=injuries, current_address=current_address,
        reporter_name=reporter_name, reporter_phone=reporter_phone, confidential=confidential,
        consent_share=consent_share, consent_contact=consent_contact, skip_level=skip_level,
        lacks_capacity=lacks_capacity, received_on=received_on), today)
    if data["received_on"] is None:
        data["received_on"] = today
    if same_matter_as is not None and same_matter_as.petitioner_id != petitioner.pk:
        raise ValidationError({"same_matter_as": _("所选前案不是该当事人的案件。")})
    case, policy = _numbered_case(by=by, unit=rules.handling_unit(by.unit), petitioner=petitioner, data=data)
    if case.channel == "assigned":
        case.object_due = rules.add_workdays(case.received_on, policy.object_workdays)
    if same_matter_as is not None:
        case.repeat_of = same_matter_as
        case.is_repeat = True
    return _save_registered(
        case, by=by, kind=_("登记"), audited=["number", *AUDITED],
        note=_("同一事项重复信访（前案 %(n)s）") % {"n": same_matter_as.number} if same_matter_as else "")


# How an old register's row ends (case_import_historic `state`): what the book's 处理情况 says.
HISTORIC_STATES = (Status.REGISTERED, Status.REJECTED, Status.ACCEPTED, Status.CLOSED)


@transaction.atomic
def case_import_historic(*, by: User, unit: OrgUnit, petitioner: Person, channel: str, category: CaseCategory,
                         request: str, received_on: datetime.date, respondent: str = "",
                         respondent_relation: str = "", narrative: str = "", injuries: str = "",
                         current_address: str = "", reporter_name: str = "", reporter_phone: str = "",
                         confidential: bool = False, consent_share: bool = False,
                         consent_contact: bool = True, skip_level: bool = False, lacks_capacity: bool = False,
                         handling: str = "", closed_on: datetime.date | None = None, return_visit: str = "",
                         state: str = "", return_visit_on: datetime.date | None = None,
                         satisfied: bool | None = None, risk_level: str = "",
                         same_matter_as: Case | None = None, source: str = "") -> Case:
    """登记 a case from an old register (the 登记簿 import, rights/transfer.py) as the book records it.

    `state` is what the book's 处理情况 says: registered, rejected (不予受理: the text is the reason, the
    closing date column, if any, the reply's date), accepted (in hand: the text is kept as the case's
    progress note) or closed (the text is the outcome; visited when the book has a return visit, with
    its date and the petitioner's satisfaction). Left empty it follows the dates: closed with a closing
    date, in hand with only a handling note, registered otherwise. A repeat of an earlier case of the same
    matter (`same_matter_as`) is linked as the register form links it. The registration's checks,
    numbering, timeline step and audit; deadlines that fell long ago are not re-opened: a historic closed
    case gets no return-visit deadline."""
    require_perm(by, "register_rights_cases")
    unit = rules.handling_unit(unit)
    if not unit.is_within(by.unit) and unit.pk != rules.handling_unit(by.unit).pk:
        raise ValidationError({"unit": _("所选单位不在您的管辖范围内。")})
    _check_petitioner(by, petitioner)
    today = timezone.localdate()
    data = _clean(dict(
        channel=channel, category=category, respondent=respondent, respondent_relation=respondent_relation,
        request=request, narrative=narrative, injuries=injuries, current_address=current_address,
        reporter_name=reporter_name, reporter_phone=reporter_phone, confidential=confidential,
        consent_share=consent_share, consent_contact=consent_contact, skip_level=skip_level,
        lacks_capacity=lacks_capacity, received_on=received_on), today)
    received = data["received_on"]
    handling = (handling or "").strip()
    if not state:
        state = Status.CLOSED if closed_on is not None else Status.ACCEPTED if handling else Status.REGISTERED
    if state not in HISTORIC_STATES:
        raise ValidationError({"state": _("台账处理情况无效。")})
    errors = Errors()
    if closed_on is not None and not received <= closed_on <= today:
        errors.add("closed_on", _("办结时间应在收到日期和今天之间。"))
    elif state == Status.CLOSED and closed_on is None:
        errors.add("closed_on", _("已办结的案件须填写办结时间。"))
    elif state in (Status.REGISTERED, Status.ACCEPTED) and closed_on is not None:
        errors.add("closed_on", _("未办结的案件不能填写办结时间。"))
    if (return_visit or return_visit_on or satisfied is not None) and state != Status.CLOSED:
        errors.add("return_visit", _("有回访情况的案件须填写办结时间。"))
    elif return_visit_on is not None and closed_on is not None and not closed_on <= return_visit_on <= today:
        errors.add("return_visit_on", _("回访日期应在办结时间和今天之间。"))
    if same_matter_as is not None and (same_matter_as.petitioner_id != petitioner.pk
                                       or same_matter_as.received_on > received):
        errors.add("same_matter_as", _("所选前案不是该当事人更早的案件。"))
    errors.raise_if_any()
    case, policy = _numbered_case(by=by, unit=unit, petitioner=petitioner, data=data)
    case.confidential = case.confidential or case.is_dv
    if risk_level:
        if risk_level not in RiskLevel.values:
            raise ValidationError({"risk_level": _("风险等级无效。")})
        if not case.is_dv:
            raise ValidationError({"risk_level": _("只有家庭暴力案件记录风险等级。")})
        case.risk_level = risk_level
    if state != Status.REGISTERED and case.needs_mandatory_report:
        raise ValidationError({"category": _(
            "受害人是未成年人或无(限制)民事行为能力人的家庭暴力案件，须先在系统中填写强制报告：请只登记，不要导入办理结果。")})
    if state == Status.REJECTED:
        if not handling:
            raise ValidationError({"handling": _("不予受理的案件须在处理情况中写明理由。")})
        case.status = Status.REJECTED
        case.replied_on = closed_on or received
        case.reject_reason = handling
    elif state in (Status.ACCEPTED, Status.CLOSED):
        case.status = Status.ACCEPTED
        case.accepted_on = case.replied_on = received
        case.close_due = received + datetime.timedelta(days=policy.close_days)
        if state == Status.ACCEPTED:
            case.progress_note = handling
    if state == Status.CLOSED:
        if not handling:
            raise ValidationError({"handling": _("已办结的案件须填写处理情况。")})
        case.status = Status.VISITED if return_visit or return_visit_on else Status.CLOSED
        case.outcome = handling
        case.closed_on = closed_on
        case.return_visit_result = (return_visit or "").strip()
        case.return_visit_on = return_visit_on
        case.satisfied = satisfied
    if same_matter_as is not None:
        case.repeat_of = same_matter_as
        case.is_repeat = True
    note = _("从历史台账导入（%(s)s）。") % {"s": source} if source else _("从历史台账导入。")
    if state == Status.ACCEPTED and handling:
        note += _("台账处理情况：%(h)s") % {"h": handling}
    if same_matter_as is not None:
        note += _("同一事项重复信访（前案 %(n)s）") % {"n": same_matter_as.number}
    return _save_registered(case, by=by, kind=_("历史台账导入"), note=note,
                            audited=["number", "status", "closed_on", "return_visit_on", "satisfied", "risk_level", "is_repeat",
                                     *AUDITED],
                            extra={"source": [None, source or _("历史台账导入")]})


@transaction.atomic
def case_update(*, by: User, case: Case, version: int | None, channel: str | Unchanged = UNCHANGED,
                category: CaseCategory | Unchanged = UNCHANGED, request: str | Unchanged = UNCHANGED,
                received_on: datetime.date | Unchanged = UNCHANGED, respondent: str | Unchanged = UNCHANGED,
                respondent_relation: str | Unchanged = UNCHANGED, narrative: str | Unchanged = UNCHANGED,
                injuries: str | Unchanged = UNCHANGED, current_address: str | Unchanged = UNCHANGED,
                reporter_name: str | Unchanged = UNCHANGED, reporter_phone: str | Unchanged = UNCHANGED,
                confidential: bool | Unchanged = UNCHANGED, consent_share: bool | Unchanged = UNCHANGED,
                consent_contact: bool | Unchanged = UNCHANGED, skip_level: bool | Unchanged = UNCHANGED,
                lacks_capacity: bool | Unchanged = UNCHANGED) -> Case:
    """Correct the registration; a field left out (UNCHANGED) keeps its value. `version` is the one the
    editor saw (CaseConflict when the case moved on since)."""
    _require_case(by, case, "register_rights_cases" if by.pk == case.registered_by_id else "edit_rights_cases")
    for field, value in given(
            channel=channel, category=category, respondent=respondent, respondent_relation=respondent_relation,
            request=request, narrative=narrative, injuries=injuries, current_address=current_address,
            reporter_name=reporter_name, reporter_phone=reporter_phone, confidential=confidential,
            consent_share=consent_share, consent_contact=consent_contact, skip_level=skip_level,
            lacks_capacity=lacks_capacity, received_on=received_on).items():
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
