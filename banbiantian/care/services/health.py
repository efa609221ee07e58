"""两癌筛查 and 两癌救助: screening campaigns, results (health data, logged when seen), relief."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core import services as core_services
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, OrgUnit, User
from banbiantian.lib.errors import Errors
from banbiantian.people.models import Person

from .. import tally
from ..models import (
    DECISIONS,
    STAGES,
    TRANSITIONS,
    Diagnosis,
    Programme,
    ReliefApplication,
    ReliefPolicy,
    Result,
    ScreeningCampaign,
    ScreeningResult,
    SensitiveKind,
    Status,
)
from ._common import _within, clean_money
from .consent import _require_basis


@transaction.atomic
def campaign_create(*, by: User, unit: OrgUnit, name: str, date: datetime.date, institution: str,
                    programme: Programme | None = None) -> ScreeningCampaign:
    require_perm(by, "edit_care")
    _within(by, unit)
    errors = Errors()
    if not (name or "").strip():
        errors.add("name", _("请填写筛查活动名称。"))
    if not (institution or "").strip():
        errors.add("institution", _("请填写筛查机构。"))
    errors.raise_if_any()
    campaign = ScreeningCampaign.objects.create(unit=unit, name=name.strip(), date=date, institution=institution,
                                                programme=programme)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=campaign, changes=audit.snapshot(campaign))
    return campaign


@transaction.atomic
def screening_result_record(*, by: User, campaign: ScreeningCampaign, person: Person, result: str,
                            cervical: bool = True, breast: bool = True, diagnosis: str = "", stage: str = "",
                            follow_up: str = "", treatment: str = "") -> ScreeningResult:
    require_perm(by, "view_health_data")
    require_perm(by, "edit_care")
    _require_basis(person, SensitiveKind.HEALTH)
    errors = Errors()
    if not (cervical or breast):
        errors.add("cervical", _("请至少选择一项筛查(宫颈癌或乳腺癌)。"))
    if result == Result.CONFIRMED and not diagnosis:
        errors.add("diagnosis", _("确诊时请选择确诊类型。"))
    if result != Result.CONFIRMED and diagnosis:
        errors.add("diagnosis", _("未确诊时不能填写确诊类型。"))
    if ScreeningResult.objects.filter(campaign=campaign, person=person, voided_at__isnull=True).exists():
        errors.add("person", _("“%(name)s”在本次筛查中已有结果。") % {"name": person.name})
    errors.raise_if_any()
    obj = ScreeningResult.objects.create(campaign=campaign, person=person, result=result, cervical=cervical,
                                         breast=breast, diagnosis=diagnosis, stage=stage, follow_up=follow_up,
                                         treatment=treatment, created_by=by)
    tally.screening_added(obj)
    # The audit keeps that a result was recorded, not what it was: the log is not a second copy of health data.
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=obj, unit=person.unit,
                 changes={"campaign": str(campaign)})
    return obj


@transaction.atomic(savepoint=False)  # one INSERT: atomic by itself, no savepoint per page
def log_health_views(*, by: User, people: Iterable[Person], what: str, ip_address: str | None = None) -> None:
    """The women whose health data a page (or a file) showed: ONE "view" audit entry naming them
    (core.services.records_viewed), not one per row."""
    people = list(people)
    core_services.records_viewed(by=by, object_type="care.screeningresult", what=what, records=people,
                                 ip_address=ip_address)


def relief_eligibility_error(*, policy: ReliefPolicy, result: ScreeningResult) -> str | None:
    if result.result != Result.CONFIRMED:
        return _("只有确诊的筛查结果才能申请两癌救助。")
    if result.diagnosis == Diagnosis.BREAST_INVASIVE:
        return None if policy.breast_any_invasive else _("本政策不救助乳腺癌。")
    if result.diagnosis == Diagnosis.CERVICAL_INVASIVE:
        if result.stage and STAGES.index(result.stage) >= STAGES.index(policy.cervical_min_stage):
            return None
        return _("宫颈癌分期须为%(s)s期及以上。") % {"s": policy.cervical_min_stage}
    return _("确诊类型不在救助范围内(须为浸润性宫颈癌或浸润性乳腺癌)。")


@transaction.atomic
def relief_policy_create(*, by: User, unit: OrgUnit, name: str, amount: Decimal | str, categories: list[str],
                         cervical_min_stage: str = "IIB", breast_any_invasive: bool = True) -> ReliefPolicy:
    require_perm(by, "approve_care")
    _within(by, unit)
    amount = clean_money(value=amount, field="amount", label=_("救助金额"))
    categories = [c.strip() for c in categories if c.strip()]
    errors = Errors()
    if not categories:
        errors.add("categories", _("请至少填写一个低收入类别。"))
    if not (name or "").strip():
        errors.add("name", _("请填写政策名称。"))
    errors.raise_if_any()
    policy = ReliefPolicy.objects.create(unit=unit, name=name.strip(), amount=amount, categories=categories,
                                         cervical_min_stage=cervical_min_stage,
                                         breast_any_invasive=breast_any_invasive)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=policy, changes=audit.snapshot(policy))
    return policy


@transaction.atomic
def relief_apply(*, by: User, result: ScreeningResult, policy: ReliefPolicy, category: str,
                 year: int) -> ReliefApplication:
    require_perm(by, "view_health_data")
    require_perm(by, "edit_care")
    person = result.person
    _require_basis(person, SensitiveKind.HEALTH)
    if result.voided_at:
        raise ValidationError({"result": _("该筛查结果已作废。")})
    error = relief_eligibility_error(policy=policy, result=result)
    errors = Errors()
    if error:
        errors.add("result", error)
    if category not in policy.categories:
        errors.add("category", _("“%(c)s”不是本政策认定的低收入类别(%(all)s)。") % {
            "c": category, "all": "、".join(policy.categories)})
    errors.raise_if_any()
    # Lock the person's row: two clerks applying at once must not both pass the check below.
    type(person).objects.select_for_update().filter(pk=person.pk).first()
    if ReliefApplication.objects.filter(person=person, year=year).exclude(status=Status.REJECTED).exists():
        raise ValidationError({"year": _("“%(name)s”%(y)s年已有两癌救助申请或已获救助，同一年度不能重复救助。") % {
            "name": person.name, "y": year}})
    try:
        with transaction.atomic():
            app = ReliefApplication.objects.create(result=result, person=person, policy=policy, year=year,
                                                   category=category, amount=policy.amount)
    except IntegrityError:
        raise ValidationError({"year": _("同一年度不能重复救助。")}) from None
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=app, unit=person.unit,
                 changes={"year": year, "amount": str(app.amount), "category": category})
    return app


@transaction.atomic
def relief_transition(*, by: User, application: ReliefApplication, to: str, reason: str = "",
                      paid_on: datetime.date | None = None) -> ReliefApplication:
    """申请 → 审核 → 通过/不通过 → 结束(已发放); ending needs the day the grant was paid (the figures of
    what was paid count by it)."""
    require_perm(by, "approve_care" if to in DECISIONS else "edit_care")
    app = ReliefApplication.objects.select_for_update().select_related("person__unit").get(pk=application.pk)
    current = Status(app.status)
    errors = Errors()
    if to not in TRANSITIONS[current]:
        errors.add("status", _("状态“%(a)s”不能直接变为“%(b)s”。") % {
            "a": current.label, "b": Status(to).label if to in Status.values else to})
    if to in (Status.REJECTED, Status.ENDED) and not (reason or "").strip():
        errors.add("reason", _("不通过或结束时必须填写理由。"))
    changes = {"status": [current.value, to], "reason": reason}
    if to == Status.ENDED:
        if paid_on is None:
            errors.add("paid_on", _("结束(已发放)时请填写发放日期。"))
        elif paid_on > timezone.localdate():
            errors.add("paid_on", _("发放日期不能晚于今天。"))
        elif app.decided_on and paid_on < app.decided_on:
            errors.add("paid_on", _("发放日期不能早于批准日期(%(d)s)。") % {"d": app.decided_on})
    errors.raise_if_any()
    if to == Status.ENDED:
        app.paid_on = paid_on
        changes["paid_on"] = [None, str(paid_on)]
    app.status, app.reason = to, reason
    if to in DECISIONS:
        app.decided_on = timezone.localdate()
    app.save(update_fields=["status", "reason", "decided_on", "paid_on"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=app, unit=app.person.unit, changes=changes)
    return app
