"""Closing a case: 申请办结 and its approval by another, 回访, and 复查/复核 afterwards."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core.models import User
from banbiantian.lib.errors import Errors

from .. import rules
from ..models import (
    Case,
    RiskLevel,
    Status,
)
from ._case import (
    _lock,
    _require_case,
    _require_mandatory_report,
    _require_status,
    _save,
)


@transaction.atomic
def case_propose_close(*, by: User, case: Case, outcome: str, satisfied: bool | None,
                       version: int | None = None) -> Case:
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
def case_approve_close(*, by: User, case: Case, closed_on: datetime.date, version: int | None = None) -> Case:
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
def case_return_close(*, by: User, case: Case, reason: str, version: int | None = None) -> Case:
    _require_case(by, case, "approve_case_close")
    case = _lock(case, version)
    _require_status(case, [Status.CLOSE_PROPOSED], _("案件尚未申请办结，无需退回。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("退回须填写理由。")})
    case.status = Status.ACCEPTED
    return _save(case, by, _("退回办结申请"), note=reason.strip(), changes={"reason": reason.strip()})


@transaction.atomic
def case_return_visit(*, by: User, case: Case, visited_on: datetime.date, result: str,
                      version: int | None = None) -> Case:
    _require_case(by, case, "register_rights_cases")
    case = _lock(case, version)
    _require_status(case, [Status.CLOSED], _("案件尚未办结，不能回访。"))
    errors = Errors()
    if visited_on < case.closed_on:
        errors.add("visited_on", _("回访日期不能早于办结日期。"))
    if visited_on > timezone.localdate():
        errors.add("visited_on", _("回访日期不能晚于今天。"))
    if not (result or "").strip():
        errors.add("result", _("请填写回访情况。"))
    errors.raise_if_any()
    case.status = Status.VISITED
    case.return_visit_on = visited_on
    case.return_visit_result = result.strip()
    return _save(case, by, _("回访"), note=case.return_visit_result)


@transaction.atomic
def case_request_review(*, by: User, case: Case, requested_on: datetime.date,
                        version: int | None = None) -> Case:
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
def case_answer_review(*, by: User, case: Case, answered_on: datetime.date, outcome: str,
                       version: int | None = None) -> Case:
    _require_case(by, case, "approve_case_close")
    case = _lock(case, version)
    _require_status(case, [Status.REVIEW], _("案件不在复查/复核中。"))
    errors = Errors()
    if not (outcome or "").strip():
        errors.add("outcome", _("请填写复查/复核意见。"))
    if answered_on < case.review_requested_on:
        errors.add("answered_on", _("答复日期不能早于申请日期。"))
    if answered_on > timezone.localdate():
        errors.add("answered_on", _("答复日期不能晚于今天。"))
    errors.raise_if_any()
    # A case whose return visit is done goes back to 已回访, else its old return_visit_due shows as overdue.
    case.status = Status.VISITED if case.return_visit_on else Status.CLOSED
    case.review_due = answered_on  # the new reply date: a 复核 may be asked within 30 days of it
    case.outcome = outcome.strip()
    return _save(case, by, _("复查意见") if case.review_level == 1 else _("复核意见（终结）"), note=case.outcome)
