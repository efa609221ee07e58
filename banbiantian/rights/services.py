"""Writes to rights cases. Every function is atomic, audited, and puts a step on the case's timeline.

Stage changes take the `version` the user's page was built from: a case changed by someone else
in the meantime is refused with the difference (CaseConflict) instead of being overwritten.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, Level, OrgUnit
from banbiantian.core.roles import Role

from . import rules
from .models import (
    OPEN_STATUSES,
    Attachment,
    Case,
    CaseCounter,
    CaseEvent,
    DisputeScreening,
    ExtensionRequest,
    MediationSession,
    Referral,
    RiskLevel,
    Status,
    Visit,
)

EDITABLE_FIELDS = [
    "channel", "category", "respondent", "respondent_relation", "request", "narrative", "injuries",
    "current_address", "reporter_name", "reporter_phone", "confidential", "consent_share", "consent_contact",
    "skip_level", "lacks_capacity", "received_on",
]
AUDITED = [f for f in EDITABLE_FIELDS if f not in ("narrative", "injuries", "current_address")]
ENCRYPTED = ("narrative", "injuries", "current_address")


class CaseConflict(ValidationError):
    """Someone else saved the case since this page was opened."""

    def __init__(self, differences: list[tuple[str, object, object]]):
        self.differences = differences
        super().__init__(_("该案件已被他人修改，您的保存未生效。请核对以下差异后重新操作。"))


def _label(field: str) -> str:
    return str(Case._meta.get_field(field).verbose_name)


def _display(case: Case, field: str):
    value = getattr(case, field)
    f = Case._meta.get_field(field)
    if f.choices:
        return dict(f.choices).get(value, value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return "" if value is None else str(value)


def _lock(case: Case, version) -> Case:
    """The case re-read under a lock; CaseConflict when its version moved on."""
    current = Case.objects.select_for_update().select_related("unit", "petitioner", "category").get(pk=case.pk)
    if version is not None and int(version) != current.version:
        fields = [f for f in ["status", *EDITABLE_FIELDS, "outcome", "risk_level"] if f not in ENCRYPTED]
        diffs = [(_label(f), _display(current, f), _display(case, f)) for f in fields
                 if getattr(current, f if f != "category" else "category_id") !=
                 getattr(case, f if f != "category" else "category_id")]
        if any(getattr(current, f) != getattr(case, f) for f in ENCRYPTED):
            diffs.append((_("反映情况/伤情/现住址"), _("已被修改"), _("（内容不在此显示）")))
        if not diffs:
            last = current.events.order_by("-at", "-id").select_related("actor").first()
            diffs = [(_("当前状态"), current.get_status_display(),
                      _("您打开页面后，%(who)s 已办理“%(what)s”") % {"who": last.actor, "what": last.kind}
                      if last else "")]
        raise CaseConflict(diffs)
    return current


def _save(case: Case, by, kind: str, note: str = "", changes: dict | None = None,
          action=AuditEntry.Action.UPDATE) -> Case:
    case.version = F("version") + 1
    case.save()
    case.refresh_from_db(fields=["version"])
    CaseEvent.objects.create(case=case, actor=by, kind=kind, note=note)
    audit.record(actor=by, action=action, obj=case, changes={"stage": kind, **(changes or {})})
    return case


def _can_touch(by, case: Case) -> bool:
    if by.has_perm_name("view_rights_cases") and case.unit.is_within(by.unit):
        return True
    return by.has_perm_name("register_rights_cases") and by.pk in (case.registered_by_id, case.assigned_to_id)


def _require_case(by, case: Case, perm: str = "edit_rights_cases") -> None:
    require_perm(by, perm)
    if not _can_touch(by, case):
        raise PermissionDenied


def _require_status(case: Case, allowed, message: str) -> None:
    if case.status not in allowed:
        raise ValidationError(message)


def _require_mandatory_report(case: Case) -> None:
    if case.needs_mandatory_report and not (case.mandatory_report_to and case.mandatory_report_at):
        raise ValidationError({"mandatory_report_to": _(
            "受害人是未成年人或无(限制)民事行为能力人，须先填写强制报告（向谁报告、报告时间），才能办理。")})


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


def _matter_of(case: Case) -> list[dict]:
    """Every other case of the same matter: all cases linked to this one through repeat_of, up and down
    the chain (a repeat of a repeat, two repeats of one case). They are all the same petitioner's, so one
    query over her cases and a walk in memory find them."""
    rows = list(Case.objects.filter(petitioner_id=case.petitioner_id)
                .values("pk", "repeat_of_id", "number", "status", "review_level"))
    links: dict[int, set[int]] = {}
    for row in rows:
        if row["repeat_of_id"] is not None:
            links.setdefault(row["pk"], set()).add(row["repeat_of_id"])
            links.setdefault(row["repeat_of_id"], set()).add(row["pk"])
    seen, todo = {case.pk}, [case.pk]
    while todo:
        for other in links.get(todo.pop(), ()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return [row for row in rows if row["pk"] in seen and row["pk"] != case.pk]


def _require_matter_not_pending_or_final(case: Case) -> None:
    """《信访工作条例》: a matter in hand is not accepted twice, and one finally closed by 复核 not again —
    whichever case of the matter, however long the chain of repeats that leads to it."""
    matter = sorted(_matter_of(case), key=lambda row: row["number"])
    pending = next((row for row in matter if row["status"] in OPEN_STATUSES), None)
    if pending is not None:
        raise ValidationError(_("同一事项的前案 %(n)s 正在办理中，依照《信访工作条例》不予重复受理。") % {
            "n": pending["number"]})
    final = next((row for row in matter if row["review_level"] >= 2), None)
    if final is not None:
        raise ValidationError(_("同一事项已经复核终结（前案 %(n)s），不再受理。") % {"n": final["number"]})


@transaction.atomic
def case_accept(*, by, case: Case, on: datetime.date, version=None) -> Case:
    """受理: the reply to the petitioner (within 15 days) and the start of the 60-day clock."""
    _require_case(by, case)
    case = _lock(case, version)
    _require_status(case, [Status.REGISTERED], _("只有已登记、尚未受理的案件才能受理。"))
    if on < case.received_on:
        raise ValidationError({"on": _("受理日期不能早于收到日期。")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("受理日期不能晚于今天。")})
    if case.repeat_of_id is not None:
        _require_matter_not_pending_or_final(case)
    _require_mandatory_report(case)
    policy = rules.policy_for(case.unit)
    case.status = Status.ACCEPTED
    case.accepted_on = on
    case.replied_on = on
    case.close_due = on + datetime.timedelta(days=policy.close_days)
    late = on > case.reply_due
    return _save(case, by, _("受理"), note=_("已超过告知期限") if late else "",
                 changes={"accepted_on": str(on), "close_due": str(case.close_due)})


@transaction.atomic
def case_reject(*, by, case: Case, on: datetime.date, reason: str, version=None) -> Case:
    _require_case(by, case)
    case = _lock(case, version)
    _require_status(case, [Status.REGISTERED], _("只有已登记、尚未受理的案件才能不予受理。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("不予受理须填写理由。")})
    case.status = Status.REJECTED
    case.replied_on = on
    case.reject_reason = reason.strip()
    return _save(case, by, _("不予受理"), note=case.reject_reason, changes={"reason": case.reject_reason})


@transaction.atomic
def case_object(*, by, case: Case, on: datetime.date, reason: str, version=None) -> Case:
    """异议: a case assigned by a higher body to the wrong unit is sent back within 5 working days."""
    _require_case(by, case)
    case = _lock(case, version)
    _require_status(case, [Status.REGISTERED], _("只有已登记、尚未受理的案件才能提出异议。"))
    if case.object_due is None:
        raise ValidationError(_("只有上级交办的案件才能提出交办异议。"))
    if on > case.object_due:
        raise ValidationError({"on": _("已超过交办异议期限（%(d)s）。") % {"d": case.object_due}})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写异议理由。")})
    case.status = Status.REJECTED
    case.replied_on = on
    case.reject_reason = _("交办异议：%(r)s") % {"r": reason.strip()}
    return _save(case, by, _("交办异议"), note=case.reject_reason, changes={"reason": case.reject_reason})


@transaction.atomic
def extension_request(*, by, case: Case, days: int, reason: str, version=None) -> ExtensionRequest:
    """延期申请: the handler asks once per case for at most the policy's days (30), with a reason."""
    _require_case(by, case)
    case = _lock(case, version)
    _require_status(case, [Status.ACCEPTED], _("只有办理中的案件才能申请延期。"))
    # Once per case: an extension on record without a request row (an older or imported case) counts too.
    if case.extended_days > 0 or ExtensionRequest.objects.filter(case=case).exists():
        raise ValidationError(_("每件案件只能申请延期一次，该案件已申请过。"))
    policy = rules.policy_for(case.unit)
    if days is None or not 1 <= days <= policy.extension_max_days:
        raise ValidationError({"days": _("延期天数须在1到%(n)s天之间。") % {"n": policy.extension_max_days}})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("延期须填写理由。")})
    request = ExtensionRequest.objects.create(case=case, days=days, reason=reason.strip(), requested_by=by)
    _save(case, by, _("申请延期"), note=_("申请延期%(d)s天：%(r)s") % {"d": days, "r": request.reason},
          changes={"extension_days": days, "reason": request.reason})
    return request


@transaction.atomic
def extension_decide(*, by, case: Case, approve: bool, reason: str, notice_on: datetime.date | None = None,
                     notice_how: str = "", version=None) -> ExtensionRequest:
    """延期审批: someone with approve_case_close other than the requester approves (and records how and when
    the petitioner was told) or refuses, with a reason. Only an approval moves the deadline."""
    _require_case(by, case, "approve_case_close")
    case = _lock(case, version)
    request = ExtensionRequest.objects.select_for_update().filter(case=case).first()
    if request is None or request.decision != ExtensionRequest.Decision.PENDING:
        raise ValidationError(_("该案件没有待审批的延期申请。"))
    if request.requested_by_id == by.pk:
        raise ValidationError(_("延期申请须由申请人以外的负责人审批。"))
    _require_status(case, [Status.ACCEPTED, Status.CLOSE_PROPOSED], _("只有办理中的案件才能审批延期。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写审批意见（批准或不予批准的理由）。")})
    today = timezone.localdate()
    if approve:
        errors = {}
        if notice_on is None:
            errors["notice_on"] = _("批准延期须告知当事人，请填写告知日期。")
        elif notice_on > today:
            errors["notice_on"] = _("告知日期不能晚于今天。")
        elif notice_on < timezone.localtime(request.requested_at).date():
            errors["notice_on"] = _("告知日期不能早于申请日期。")
        if not (notice_how or "").strip():
            errors["notice_how"] = _("请填写告知当事人的方式（如电话、书面、当面）。")
        if errors:
            raise ValidationError(errors)
    request.decision = ExtensionRequest.Decision.APPROVED if approve else ExtensionRequest.Decision.REFUSED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_reason = reason
    changes = {"extension": request.decision, "reason": reason}
    if approve:
        request.notice_on = notice_on
        request.notice_how = notice_how.strip()
        case.extended_days = request.days
        case.extension_reason = request.reason
        case.extension_notice_on = notice_on
        case.close_due = case.close_due + datetime.timedelta(days=request.days)
        changes.update(close_due=str(case.close_due), notice_on=str(notice_on), notice_how=request.notice_how)
        note = _("批准延期%(d)s天，办结期限至%(due)s；%(on)s以%(how)s告知当事人。%(r)s") % {
            "d": request.days, "due": case.close_due, "on": notice_on, "how": request.notice_how, "r": reason}
    else:
        note = _("不予批准延期：%(r)s") % {"r": reason}
    request.save()
    _save(case, by, _("延期审批"), note=note, changes=changes)
    return request


@transaction.atomic
def case_refer(*, by, case: Case, agency: str, receiving_unit: str, referred_on: datetime.date,
               without_consent_reason: str = "", version=None) -> Referral:
    """转办: needs the woman's consent, or the separate permission and a reason."""
    _require_case(by, case)
    case = _lock(case, version)
    _require_status(case, [Status.ACCEPTED], _("案件须先受理，才能转办。"))
    _require_mandatory_report(case)
    without = not case.consent_share
    if without:
        if not by.has_perm_name("refer_without_consent"):
            raise ValidationError({"agency": _("当事人未同意转办，您没有未经同意转办的权限。")})
        if not (without_consent_reason or "").strip():
            raise ValidationError({"without_consent_reason": _("未经当事人同意转办，须填写理由。")})
    if not (receiving_unit or "").strip():
        raise ValidationError({"receiving_unit": _("请填写接收单位。")})
    policy = rules.policy_for(case.unit)
    referral = Referral.objects.create(
        case=case, agency=agency, receiving_unit=receiving_unit.strip(), referred_on=referred_on,
        reply_due=referred_on + datetime.timedelta(days=policy.referral_reply_days), without_consent=without,
        without_consent_reason=(without_consent_reason or "").strip() if without else "", by=by)
    case.handling = "referral"
    _save(case, by, _("转办"), note=f"{referral.get_agency_display()} · {referral.receiving_unit}",
          changes={"referral": referral.receiving_unit, "without_consent": without,
                   "reason": referral.without_consent_reason})
    return referral


@transaction.atomic
def referral_reply(*, by, referral: Referral, replied_on: datetime.date, reply: str) -> Referral:
    _require_case(by, referral.case)
    case = _lock(referral.case, None)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.replied_on:
        raise ValidationError(_("该转办已登记回复。"))
    if replied_on < referral.referred_on:
        raise ValidationError({"replied_on": _("回复日期不能早于转办日期。")})
    if not (reply or "").strip():
        raise ValidationError({"reply": _("请填写回复内容。")})
    referral.replied_on = replied_on
    referral.reply = reply.strip()
    referral.save(update_fields=["replied_on", "reply"])
    _save(case, by, _("转办回复"), note=f"{referral.receiving_unit}：{referral.reply}")
    return referral


@transaction.atomic
def mediation_add(*, by, case: Case, held_on: datetime.date, mediators: str, parties: str,
                  agreement_reached: bool, agreement_text: str = "") -> MediationSession:
    _require_case(by, case)
    # Re-read under the lock: a session is added alongside others' edits, so no version check, but the
    # save must not write back a stale copy of the case.
    case = _lock(case, None)
    _require_status(case, [Status.ACCEPTED], _("案件须先受理，才能记录调解。"))
    _require_mandatory_report(case)
    if agreement_reached and not (agreement_text or "").strip():
        raise ValidationError({"agreement_text": _("已达成协议，请填写协议内容。")})
    session = MediationSession.objects.create(case=case, held_on=held_on, mediators=mediators, parties=parties,
                                              agreement_reached=agreement_reached, agreement_text=agreement_text, by=by)
    case.handling = "mediation"
    _save(case, by, _("调解"), note=_("达成协议") if agreement_reached else _("未达成协议"))
    return session


@transaction.atomic
def case_propose_close(*, by, case: Case, outcome: str, satisfied: bool | None, version=None) -> Case:
    """A village director or staff member proposes closing; a chair approves (case_approve_close)."""
    _require_case(by, case, "register_rights_cases")
    case = _lock(case, version)
    _require_status(case, [Status.ACCEPTED], _("只有已受理、办理中的案件才能申请办结。"))
    _require_mandatory_report(case)
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("请填写办理结果。")})
    case.status = Status.CLOSE_PROPOSED
    case.outcome = outcome.strip()
    case.satisfied = satisfied
    case.close_proposed_by = by
    return _save(case, by, _("申请办结"), note=case.outcome)


def _dv_visit_done(case: Case) -> bool:
    return case.visits.filter(done_on__isnull=False).exists() or case.return_visit_on is not None


@transaction.atomic
def case_approve_close(*, by, case: Case, closed_on: datetime.date, version=None) -> Case:
    _require_case(by, case, "approve_case_close")
    case = _lock(case, version)
    _require_status(case, [Status.CLOSE_PROPOSED], _("案件尚未申请办结，不能审批办结。"))
    if case.close_proposed_by_id == by.pk:
        raise ValidationError(_("办结申请须由另一人审批：本人提出的办结申请不能由本人批准，请由其他负责人或县妇联审批。"))
    if case.is_dv and case.risk_level in (RiskLevel.HIGH, RiskLevel.DANGER) and not _dv_visit_done(case):
        raise ValidationError(_("高风险或危险等级的家庭暴力案件，须完成至少一次回访(查访)后才能办结。"))
    if closed_on < case.accepted_on:
        raise ValidationError({"closed_on": _("办结日期不能早于受理日期。")})
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("办结日期不能晚于今天。")})
    policy = rules.policy_for(case.unit)
    case.status = Status.CLOSED
    case.closed_on = closed_on
    case.return_visit_due = closed_on + datetime.timedelta(days=policy.return_visit_days)
    return _save(case, by, _("审批办结"), changes={"closed_on": str(closed_on)})


@transaction.atomic
def case_return_close(*, by, case: Case, reason: str, version=None) -> Case:
    _require_case(by, case, "approve_case_close")
    case = _lock(case, version)
    _require_status(case, [Status.CLOSE_PROPOSED], _("案件尚未申请办结，无需退回。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("退回须填写理由。")})
    case.status = Status.ACCEPTED
    return _save(case, by, _("退回办结申请"), note=reason.strip(), changes={"reason": reason.strip()})


@transaction.atomic
def case_return_visit(*, by, case: Case, visited_on: datetime.date, result: str, version=None) -> Case:
    _require_case(by, case, "register_rights_cases")
    case = _lock(case, version)
    _require_status(case, [Status.CLOSED], _("案件尚未办结，不能回访。"))
    if visited_on < case.closed_on:
        raise ValidationError({"visited_on": _("回访日期不能早于办结日期。")})
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("回访日期不能晚于今天。")})
    if not (result or "").strip():
        raise ValidationError({"result": _("请填写回访情况。")})
    case.status = Status.VISITED
    case.return_visit_on = visited_on
    case.return_visit_result = result.strip()
    return _save(case, by, _("回访"), note=case.return_visit_result)


@transaction.atomic
def case_request_review(*, by, case: Case, requested_on: datetime.date, version=None) -> Case:
    """复查 (then 复核): asked within 30 days of the reply, answered within 30; the 复核 is final."""
    _require_case(by, case)
    case = _lock(case, version)
    _require_status(case, [Status.CLOSED, Status.VISITED], _("案件办结后才能申请复查或复核。"))
    if case.review_level >= 2:
        raise ValidationError(_("复核意见为最终意见，同一事项不再受理复查复核。"))
    if requested_on > timezone.localdate():
        raise ValidationError({"requested_on": _("申请日期不能晚于今天。")})
    policy = rules.policy_for(case.unit)
    reply_date = case.closed_on if case.review_level == 0 else case.review_due
    if requested_on > reply_date + datetime.timedelta(days=policy.review_request_days):
        raise ValidationError({"requested_on": _("已超过申请期限（答复之日起%(n)s日内）。") % {
            "n": policy.review_request_days}})
    case.review_level += 1
    case.review_requested_on = requested_on
    case.review_due = requested_on + datetime.timedelta(days=policy.review_answer_days)
    case.status = Status.REVIEW
    return _save(case, by, _("申请复查") if case.review_level == 1 else _("申请复核"))


@transaction.atomic
def case_answer_review(*, by, case: Case, answered_on: datetime.date, outcome: str, version=None) -> Case:
    _require_case(by, case, "approve_case_close")
    case = _lock(case, version)
    _require_status(case, [Status.REVIEW], _("案件不在复查/复核中。"))
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("请填写复查/复核意见。")})
    if answered_on < case.review_requested_on:
        raise ValidationError({"answered_on": _("答复日期不能早于申请日期。")})
    if answered_on > timezone.localdate():
        raise ValidationError({"answered_on": _("答复日期不能晚于今天。")})
    # A case whose return visit is done goes back to 已回访, else its old return_visit_due shows as overdue.
    case.status = Status.VISITED if case.return_visit_on else Status.CLOSED
    case.review_due = answered_on  # the new reply date: a 复核 may be asked within 30 days of it
    case.outcome = outcome.strip()
    return _save(case, by, _("复查意见") if case.review_level == 1 else _("复核意见（终结）"), note=case.outcome)


@transaction.atomic
def case_assess_risk(*, by, case: Case, answers: dict, version=None) -> Case:
    _require_case(by, case, "register_rights_cases")
    case = _lock(case, version)
    answers = {k: bool(answers.get(k)) for k in rules.RISK_KEYS}
    case.risk_answers = answers
    case.risk_level = rules.risk_level(answers)
    case.is_dv = True
    return _save(case, by, _("风险评估"), note=case.get_risk_level_display(), changes={"risk_level": case.risk_level})


DV_FIELDS = ["warning_issued_on", "warning_issued_by", "warning_served_on", "order_applied_at", "order_urgent",
             "order_court", "order_granted_on", "order_expires_on", "shelter_referral", "legal_aid_referral",
             "mandatory_report_to", "mandatory_report_at", "lacks_capacity"]


@transaction.atomic
def case_update_dv(*, by, case: Case, data: dict, version=None) -> Case:
    """告诫书, 保护令, referrals and the mandatory report. Serving a 告诫书 on the village starts the 查访 visits."""
    _require_case(by, case, "register_rights_cases")
    case = _lock(case, version)
    before = audit.snapshot(case, DV_FIELDS)
    for field in DV_FIELDS:
        if field in data:
            setattr(case, field, data[field])
    errors = {}
    if case.warning_served_on and not case.warning_issued_on:
        errors["warning_issued_on"] = _("请先填写告诫书出具日期。")
    if case.warning_served_on and case.warning_issued_on and case.warning_served_on < case.warning_issued_on:
        errors["warning_served_on"] = _("送达日期不能早于出具日期。")
    if case.order_granted_on and not case.order_applied_at:
        errors["order_applied_at"] = _("请先填写保护令申请时间。")
    if case.order_granted_on and case.order_applied_at and case.order_granted_on < timezone.localtime(
            case.order_applied_at).date():
        errors["order_granted_on"] = _("签发日期不能早于申请时间。")
    if case.order_expires_on:
        if not case.order_granted_on:
            errors["order_expires_on"] = _("请先填写保护令签发日期。")
        elif case.order_expires_on > rules.add_months(case.order_granted_on, 6):
            errors["order_expires_on"] = _("人身安全保护令有效期不超过六个月。")
        elif case.order_expires_on < case.order_granted_on:
            errors["order_expires_on"] = _("到期日期不能早于签发日期。")
    if bool(case.mandatory_report_to) != bool(case.mandatory_report_at):
        errors["mandatory_report_to"] = _("强制报告须同时填写报告对象和报告时间。")
    if errors:
        raise ValidationError(errors)
    case.is_dv = True
    if case.warning_served_on and not before["warning_served_on"]:
        policy = rules.policy_for(case.unit)
        Visit.objects.bulk_create([Visit(case=case, due_on=case.warning_served_on + datetime.timedelta(days=d))
                                   for d in policy.visit_offsets()])
    return _save(case, by, _("家庭暴力处置"), changes=audit.diff(before, audit.snapshot(case, DV_FIELDS)))


@transaction.atomic
def visit_record(*, by, visit: Visit, done_on: datetime.date, result: str) -> Visit:
    _require_case(by, visit.case, "register_rights_cases")
    case = _lock(visit.case, None)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.done_on:
        raise ValidationError(_("该次查访已登记。"))
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("查访日期不能晚于今天。")})
    if not (result or "").strip():
        raise ValidationError({"result": _("请填写查访情况。")})
    visit.done_on = done_on
    visit.result = result.strip()
    visit.by = by
    visit.save(update_fields=["done_on", "result", "by"])
    _save(case, by, _("查访"), note=visit.result)
    return visit


@transaction.atomic
def case_followup_visit(*, by, case: Case, done_on: datetime.date, result: str, version=None) -> Case:
    """A follow-up visit on an open family-violence case that has no 告诫书 (so no scheduled 查访): without it a
    high- or danger-risk case could never be approved for closing."""
    _require_case(by, case, "register_rights_cases")
    case = _lock(case, version)
    _require_status(case, [Status.ACCEPTED, Status.CLOSE_PROPOSED], _("只有办理中的案件才能登记跟进查访。"))
    if not case.is_dv:
        raise ValidationError(_("只有家庭暴力案件才需登记跟进查访。"))
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("查访日期不能晚于今天。")})
    if done_on < case.received_on:
        raise ValidationError({"done_on": _("查访日期不能早于收到日期。")})
    if not (result or "").strip():
        raise ValidationError({"result": _("请填写查访情况。")})
    Visit.objects.create(case=case, due_on=done_on, done_on=done_on, result=result.strip(), by=by)
    return _save(case, by, _("跟进查访"), note=result.strip(), changes={"visit": str(done_on)})


@transaction.atomic
def case_assign(*, by, case: Case, assignee, version=None) -> Case:
    """交村跟进: a village director of the handling unit's subtree then sees the case."""
    _require_case(by, case)
    case = _lock(case, version)
    if assignee is not None and (assignee.role != Role.VILLAGE_DIRECTOR or not assignee.unit.is_within(case.unit)):
        raise ValidationError({"assignee": _("只能交给本辖区的村(社区)妇联主席。")})
    case.assigned_to = assignee
    return _save(case, by, _("交村跟进"), note=str(assignee) if assignee else _("取消"),
                 changes={"assigned_to": str(assignee) if assignee else None})


ALLOWED_TYPES = {
    ".pdf": (b"%PDF",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG",),
    ".docx": (b"PK\x03\x04",),
}


def attachment_limit_bytes() -> int:
    return min(10, settings.MAX_UPLOAD_MB) * 1024 * 1024


@transaction.atomic
def attachment_add(*, by, case: Case, upload) -> Attachment:
    _require_case(by, case, "register_rights_cases")
    import os

    ext = os.path.splitext(upload.name)[1].lower()
    if ext not in ALLOWED_TYPES:
        raise ValidationError({"file": _("只能上传 PDF、JPG、PNG 或 Word(docx) 文件。")})
    if upload.size > attachment_limit_bytes():
        raise ValidationError({"file": _("文件不能超过 %(n)s MB。") % {"n": attachment_limit_bytes() // 1024 // 1024}})
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in ALLOWED_TYPES[ext]):
        raise ValidationError({"file": _("文件内容与扩展名不符。")})
    types = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
             ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    attachment = Attachment(case=case, name=os.path.basename(upload.name)[:200], content_type=types[ext],
                            size=upload.size, uploaded_by=by)
    attachment.file.save("upload", upload, save=False)
    attachment.save()
    CaseEvent.objects.create(case=case, actor=by, kind=_("上传附件"), note=attachment.name)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=attachment, unit=case.unit,
                 changes={"case": case.number, "name": attachment.name})
    return attachment


@transaction.atomic(savepoint=False)  # one INSERT: atomic by itself, no savepoint round trips per page
def case_opened(*, by, case: Case, ip_address: str | None = None, what: str = "case") -> None:
    """Every opening of a case (or download of its attachment) is in the access log."""
    audit.record(actor=by, action=AuditEntry.Action.VIEW, obj=case, changes={"opened": what}, ip_address=ip_address)


@transaction.atomic(savepoint=False)
def export_logged(*, by, unit: OrgUnit, what: str, rows: int, ip_address: str | None = None) -> None:
    require_perm(by, "export_rights_cases")
    audit.record(actor=by, action=AuditEntry.Action.EXPORT, unit=unit, object_type="rights.case",
                 object_repr=what, changes={"rows": rows}, ip_address=ip_address)


SCREENING_MAX = 9999  # found/resolved/escalated per village and month


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


@transaction.atomic
def screening_report(*, by, unit: OrgUnit, month: datetime.date, none_found: bool, found: int = 0,
                     resolved: int = 0, escalated: int = 0, note: str = "") -> DisputeScreening:
    require_perm(by, "register_rights_cases")
    if not unit.is_within(by.unit) or unit.level not in (Level.VILLAGE, Level.COMMITTEE):
        raise ValidationError({"unit": _("只能为本辖区的村(社区)填报。")})
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise ValidationError({"month": _("不能填报将来的月份。")})
    if none_found and (found or resolved or escalated):
        raise ValidationError({"none_found": _("选择“未发现矛盾纠纷”时，发现、化解、上报数应为0。")})
    if not none_found and not found:
        raise ValidationError({"found": _("请填写发现的矛盾纠纷数；如未发现，请勾选“本月未发现矛盾纠纷”。")})
    if resolved + escalated > found:
        raise ValidationError({"resolved": _("化解数与上报数之和不能超过发现数。")})
    for field, value in (("found", found), ("resolved", resolved), ("escalated", escalated)):
        if not 0 <= value <= SCREENING_MAX:
            raise ValidationError({field: _("数量须在0到%(n)s之间。") % {"n": SCREENING_MAX}})
    already = ValidationError({"month": _("%(u)s %(m)s 已填报。") % {"u": unit.name, "m": month.strftime("%Y-%m")}})
    if DisputeScreening.objects.filter(unit=unit, month=month).exists():
        raise already
    try:
        with transaction.atomic():  # two quick submissions: the unique (unit, month) decides, not a 500
            report = DisputeScreening.objects.create(unit=unit, month=month, none_found=none_found, found=found,
                                                     resolved=resolved, escalated=escalated, note=note,
                                                     reported_by=by)
    except IntegrityError:
        raise already from None
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=report, unit=unit,
                 changes={"month": str(month), "found": found, "none_found": none_found})
    return report


# Legal ceilings from the 信访工作条例: a unit may be stricter, never looser.
POLICY_CEILINGS = {"reply_days": 15, "close_days": 60, "extension_max_days": 30, "review_answer_days": 30}
POLICY_FIELDS = ["number_format", "short_name", "reply_days", "object_workdays", "close_days", "extension_max_days",
                 "review_request_days", "review_answer_days", "referral_reply_days", "return_visit_days",
                 "dv_visit_offsets"]


def _number_format_error(fmt: str) -> str | None:
    """Why a case-number format cannot be used, or None. Only the bare names {short}, {year} and {seq}
    (a width such as {seq:03d} is fine); {year} is required, else numbers would repeat every year."""
    import string

    try:
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(fmt) if name is not None]
        fmt.format(short="东塘", year=2026, seq=1)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        return _("编号格式只能使用 {short}、{year}、{seq}，且花括号须成对。")
    if any(name not in ("short", "year", "seq") for name in names):
        return _("编号格式只能使用 {short}、{year}、{seq}，且花括号须成对。")
    if "seq" not in names:
        return _("编号格式必须包含 {seq}（当年序号）。")
    if "year" not in names:
        return _("编号格式必须包含 {year}（年份），否则每年的编号会重复。")
    return None


@transaction.atomic
def policy_save(*, by, unit: OrgUnit, data: dict):
    """A unit's own case-number format and deadlines (the chair of that unit, or above)."""
    from .models import RightsPolicy

    require_perm(by, "approve_case_close")
    if not unit.is_within(by.unit):
        raise PermissionDenied
    errors = {}
    for field, ceiling in POLICY_CEILINGS.items():
        value = data.get(field)
        if value is not None and not 1 <= value <= ceiling:
            errors[field] = _("依照《信访工作条例》，该期限须在1到%(n)s天之间。") % {"n": ceiling}
    fmt = data.get("number_format") or ""
    format_error = _number_format_error(fmt)
    if format_error:
        errors["number_format"] = format_error
    offsets = (data.get("dv_visit_offsets") or "").replace("，", ",")
    if not offsets or not all(x.strip().isdigit() for x in offsets.split(",")):
        errors["dv_visit_offsets"] = _("请填写用逗号分隔的天数，如 7,30,90。")
    if errors:
        raise ValidationError(errors)
    policy = RightsPolicy.objects.filter(unit=unit).first() or RightsPolicy(unit=unit)
    before = audit.snapshot(policy, POLICY_FIELDS) if policy.pk else {}
    for field in POLICY_FIELDS:
        if field in data:
            setattr(policy, field, data[field] if data[field] is not None else "")
    policy.dv_visit_offsets = offsets
    policy.save()
    audit.record(actor=by, action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE, obj=policy,
                 unit=unit, changes=audit.diff(before, audit.snapshot(policy, POLICY_FIELDS)))
    return policy


@transaction.atomic
def category_add(*, by, name: str, is_domestic_violence: bool = False):
    """Case categories are county data: a county adds its own beside the ones every county starts with."""
    from .models import CaseCategory

    require_perm(by, "manage_org")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("类别名称不能为空。")})
    if CaseCategory.objects.filter(name=name).exists():
        raise ValidationError({"name": _("已有类别“%(n)s”。") % {"n": name}})
    import uuid

    code = f"custom-{uuid.uuid4().hex[:10]}"
    last = CaseCategory.objects.order_by("-sort").first()
    category = CaseCategory.objects.create(code=code, name=name, is_domestic_violence=is_domestic_violence,
                                           sort=(last.sort if last else 0) + 10)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=category, unit=by.unit, changes={"name": name})
    return category


@transaction.atomic
def category_set_active(*, by, category, active: bool):
    require_perm(by, "manage_org")
    category.active = active
    category.save(update_fields=["active"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=category, unit=by.unit, changes={"active": active})
    return category


@transaction.atomic
def holiday_set(*, by, day: datetime.date, kind: str, name: str):
    """Add or change one day of the holiday calendar (放假 or 调休上班): county data, for working-day deadlines."""
    from .models import Holiday

    require_perm(by, "manage_org")
    name = (name or "").strip()
    errors = {}
    if kind not in Holiday.Kind.values:
        errors["kind"] = _("请选择放假或调休上班。")
    if not name:
        errors["name"] = _("请填写节日名称。")
    if kind == Holiday.Kind.WORK and day.weekday() < 5:
        errors["kind"] = _("调休上班日应是周六或周日；工作日本来就上班。")
    if errors:
        raise ValidationError(errors)
    holiday = Holiday.objects.filter(day=day).first()
    before = audit.snapshot(holiday, ["kind", "name"]) if holiday else {}
    holiday = holiday or Holiday(day=day)
    holiday.kind, holiday.name = kind, name
    holiday.save()
    audit.record(actor=by, action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE, obj=holiday,
                 unit=by.unit, changes={"day": str(day), **audit.diff(before, audit.snapshot(holiday, ["kind", "name"]))})
    return holiday


@transaction.atomic
def holiday_delete(*, by, holiday) -> None:
    require_perm(by, "manage_org")
    audit.record(actor=by, action=AuditEntry.Action.DELETE, obj=holiday, unit=by.unit,
                 changes={"day": str(holiday.day), "kind": holiday.kind, "name": holiday.name})
    holiday.delete()
