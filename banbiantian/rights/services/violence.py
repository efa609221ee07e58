"""Family-violence work on a case: the risk checklist, 告诫书 and 保护令, the mandatory report, 查访 visits."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.models import User
from banbiantian.lib.errors import Errors
from banbiantian.lib.unchanged import UNCHANGED, Unchanged, given

from .. import rules
from ..models import (
    Case,
    Status,
    Visit,
)
from ._case import (
    _lock,
    _require_case,
    _require_status,
    _save,
)


@transaction.atomic
def case_assess_risk(*, by: User, case: Case, answers: dict, version: int | None = None) -> Case:
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
def case_update_dv(*, by: User, case: Case, version: int | None = None,
                   warning_issued_on: datetime.date | None | Unchanged = UNCHANGED,
                   warning_issued_by: str | Unchanged = UNCHANGED,
                   warning_served_on: datetime.date | None | Unchanged = UNCHANGED,
                   order_applied_at: datetime.datetime | None | Unchanged = UNCHANGED,
                   order_urgent: bool | Unchanged = UNCHANGED, order_court: str | Unchanged = UNCHANGED,
                   order_granted_on: datetime.date | None | Unchanged = UNCHANGED,
                   order_expires_on: datetime.date | None | Unchanged = UNCHANGED,
                   shelter_referral: bool | Unchanged = UNCHANGED,
                   legal_aid_referral: bool | Unchanged = UNCHANGED,
                   mandatory_report_to: str | Unchanged = UNCHANGED,
                   mandatory_report_at: datetime.datetime | None | Unchanged = UNCHANGED,
                   lacks_capacity: bool | Unchanged = UNCHANGED) -> Case:
    """告诫书, 保护令, referrals and the mandatory report (DV_FIELDS; one left out keeps its value). Serving a
    告诫书 on the village starts the 查访 visits."""
    _require_case(by, case, "register_rights_cases")
    case = _lock(case, version)
    before = audit.snapshot(case, DV_FIELDS)
    for field, value in given(
            warning_issued_on=warning_issued_on, warning_issued_by=warning_issued_by,
            warning_served_on=warning_served_on, order_applied_at=order_applied_at, order_urgent=order_urgent,
            order_court=order_court, order_granted_on=order_granted_on, order_expires_on=order_expires_on,
            shelter_referral=shelter_referral, legal_aid_referral=legal_aid_referral,
            mandatory_report_to=mandatory_report_to, mandatory_report_at=mandatory_report_at,
            lacks_capacity=lacks_capacity).items():
        setattr(case, field, value)
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
def visit_record(*, by: User, visit: Visit, done_on: datetime.date, result: str) -> Visit:
    _require_case(by, visit.case, "register_rights_cases")
    case = _lock(visit.case, None)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.done_on:
        raise ValidationError(_("该次查访已登记。"))
    errors = Errors()
    if done_on > timezone.localdate():
        errors.add("done_on", _("查访日期不能晚于今天。"))
    if not (result or "").strip():
        errors.add("result", _("请填写查访情况。"))
    errors.raise_if_any()
    visit.done_on = done_on
    visit.result = result.strip()
    visit.by = by
    visit.save(update_fields=["done_on", "result", "by"])
    _save(case, by, _("查访"), note=visit.result)
    return visit


@transaction.atomic
def case_followup_visit(*, by: User, case: Case, done_on: datetime.date, result: str,
                        version: int | None = None) -> Case:
    """A follow-up visit on an open family-violence case that has no 告诫书 (so no scheduled 查访): without it a
    high- or danger-risk case could never be approved for closing."""
    _require_case(by, case, "register_rights_cases")
    case = _lock(case, version)
    _require_status(case, [Status.ACCEPTED, Status.CLOSE_PROPOSED], _("只有办理中的案件才能登记跟进查访。"))
    if not case.is_dv:
        raise ValidationError(_("只有家庭暴力案件才需登记跟进查访。"))
    errors = Errors()
    if done_on > timezone.localdate():
        errors.add("done_on", _("查访日期不能晚于今天。"))
    if done_on < case.received_on:
        errors.add("done_on", _("查访日期不能早于收到日期。"))
    if not (result or "").strip():
        errors.add("result", _("请填写查访情况。"))
    errors.raise_if_any()
    Visit.objects.create(case=case, due_on=done_on, done_on=done_on, result=result.strip(), by=by)
    return _save(case, by, _("跟进查访"), note=result.strip(), changes={"visit": str(done_on)})
