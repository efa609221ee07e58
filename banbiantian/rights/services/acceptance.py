"""受理 or not: the reply within 15 days (受理, 不予受理, 交办异议) and the one 延期 a case may have.

Stage changes take the `version` the user's page was built from: a case changed by someone else
in the meantime is refused with the difference (CaseConflict) instead of being overwritten.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core.models import User
from banbiantian.lib.errors import Errors

from .. import rules
from ..models import (
    OPEN_STATUSES,
    Case,
    ExtensionRequest,
    Status,
)
from ._case import (
    _lock,
    _require_case,
    _require_mandatory_report,
    _require_status,
    _save,
)


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
def case_accept(*, by: User, case: Case, on: datetime.date, version: int | None = None) -> Case:
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
def case_reject(*, by: User, case: Case, on: datetime.date, reason: str, version: int | None = None) -> Case:
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
def case_object(*, by: User, case: Case, on: datetime.date, reason: str, version: int | None = None) -> Case:
    """异议: a case assigned by a higher body to the wrong unit is sent back within 5 working days."""
    _require_case(by, case)
    case = _lock(case, version)
    _require_status(case, [Status.REGISTERED], _("只有已登记、尚未受理的案件才能提出异议。"))
    if case.object_due is None:
        raise ValidationError(_("只有上级交办的案件才能提出交办异议。"))
    errors = Errors()
    if on > case.object_due:
        errors.add("on", _("已超过交办异议期限（%(d)s）。") % {"d": case.object_due})
    if not (reason or "").strip():
        errors.add("reason", _("请填写异议理由。"))
    errors.raise_if_any()
    case.status = Status.REJECTED
    case.replied_on = on
    case.reject_reason = _("交办异议：%(r)s") % {"r": reason.strip()}
    return _save(case, by, _("交办异议"), note=case.reject_reason, changes={"reason": case.reject_reason})


@transaction.atomic
def extension_request(*, by: User, case: Case, days: int, reason: str,
                      version: int | None = None) -> ExtensionRequest:
    """延期申请: the handler asks once per case for at most the policy's days (30), with a reason."""
    _require_case(by, case)
    case = _lock(case, version)
    _require_status(case, [Status.ACCEPTED], _("只有办理中的案件才能申请延期。"))
    # Once per case: an extension on record without a request row (an older or imported case) counts too.
    if case.extended_days > 0 or ExtensionRequest.objects.filter(case=case).exists():
        raise ValidationError(_("每件案件只能申请延期一次，该案件已申请过。"))
    policy = rules.policy_for(case.unit)
    errors = Errors()
    if days is None or not 1 <= days <= policy.extension_max_days:
        errors.add("days", _("延期天数须在1到%(n)s天之间。") % {"n": policy.extension_max_days})
    if not (reason or "").strip():
        errors.add("reason", _("延期须填写理由。"))
    errors.raise_if_any()
    request = ExtensionRequest.objects.create(case=case, days=days, reason=reason.strip(), requested_by=by)
    _save(case, by, _("申请延期"), note=_("申请延期%(d)s天：%(r)s") % {"d": days, "r": request.reason},
          changes={"extension_days": days, "reason": request.reason})
    return request


@transaction.atomic
def extension_decide(*, by: User, case: Case, approve: bool, reason: str,
                     notice_on: datetime.date | None = None, notice_how: str = "",
                     version: int | None = None) -> ExtensionRequest:
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
