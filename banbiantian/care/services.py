"""Writes to the care records. Every function is atomic and audited in the same transaction."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, DecimalField, F, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry

from . import tally
from .models import (
    DECISIONS,
    STAGES,
    TRANSITIONS,
    Benefit,
    CensusChild,
    CensusRound,
    ChildrensHome,
    Consent,
    Diagnosis,
    Enrolment,
    EnrolmentStep,
    Fund,
    FundEntry,
    HolidayRound,
    InsuranceClaim,
    InsurancePolicy,
    Pairing,
    Programme,
    ReliefApplication,
    ReliefPolicy,
    Result,
    ScreeningCampaign,
    ScreeningResult,
    SensitiveKind,
    SpringBudAid,
    SpringBudGirl,
    Status,
    Visit,
)

CENT = Decimal("0.01")


def clean_money(value, *, field: str, label: str, required: bool = True) -> Decimal | None:
    """A positive amount in yuan with at most two decimal places, or a ValidationError naming the field."""
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("%(label)s不能为空。") % {"label": label}})
        return None
    if isinstance(value, float):
        raise ValidationError({field: _("%(label)s必须是精确的金额。") % {"label": label}})
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({field: _("%(label)s“%(v)s”不是有效的金额。") % {"label": label, "v": value}}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("%(label)s必须大于零。") % {"label": label}})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: _("%(label)s最多保留两位小数(到分)。") % {"label": label}})
    if amount >= Decimal("10000000000"):
        raise ValidationError({field: _("%(label)s超出允许范围。") % {"label": label}})
    return amount.quantize(CENT)


def _within(by, unit, field="unit"):
    if not unit.is_within(by.unit):
        raise ValidationError({field: _("所选单位不在您的管辖范围内。")})


# ---- programmes -------------------------------------------------------------------------------

PROGRAMME_FIELDS = ["name", "kind", "year", "budget", "fund_source", "eligibility"]


def _clean_programme(data: dict) -> dict:
    data = dict(data)
    if not (data.get("name") or "").strip():
        raise ValidationError({"name": _("项目名称不能为空。")})
    year = data.get("year")
    if not year or not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("年度应在2000至2100之间。")})
    data["budget"] = clean_money(data.get("budget"), field="budget", label=_("预算"), required=False)
    return data


@transaction.atomic
def programme_create(*, by, unit, data: dict, target_groups=()) -> Programme:
    require_perm(by, "edit_care")
    _within(by, unit)
    data = _clean_programme(data)
    programme = Programme.objects.create(unit=unit, **{k: data.get(k, "") for k in PROGRAMME_FIELDS})
    programme.target_groups.set(target_groups)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=programme, changes=audit.snapshot(programme))
    return programme


@transaction.atomic
def programme_update(*, by, programme: Programme, data: dict, target_groups=()) -> Programme:
    require_perm(by, "edit_care")
    _within(by, programme.unit)
    data = _clean_programme(data)
    before = audit.snapshot(programme)
    for key in PROGRAMME_FIELDS:
        setattr(programme, key, data.get(key, ""))
    programme.save()
    programme.target_groups.set(target_groups)
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=programme,
                 changes=audit.diff(before, audit.snapshot(programme)))
    return programme


# ---- enrolment ---------------------------------------------------------------------------------

def _check_person_in_programme(programme: Programme, person, field="person"):
    if not person.unit.is_within(programme.unit):
        raise ValidationError({field: _("“%(name)s”不在项目“%(p)s”的组织单位(%(u)s)范围内。") % {
            "name": person.name, "p": programme.name, "u": programme.unit.name}})


@transaction.atomic
def enrolment_create(*, by, programme: Programme, person, applied_on: datetime.date | None = None,
                     reason: str = "") -> Enrolment:
    require_perm(by, "edit_care")
    _check_person_in_programme(programme, person)
    if Enrolment.objects.filter(programme=programme, person=person).exists():
        raise ValidationError({"person": _("“%(name)s”已在该项目中。") % {"name": person.name}})
    enrolment = Enrolment.objects.create(programme=programme, person=person, applied_on=applied_on or timezone.localdate(),
                                         reason=reason)
    EnrolmentStep.objects.create(enrolment=enrolment, to_status=Status.APPLIED, reason=reason, by=by)
    tally.enrolment_moved(enrolment, None, Status.APPLIED)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=enrolment, unit=person.unit,
                 changes={"status": Status.APPLIED, "reason": reason})
    return enrolment


@transaction.atomic
def enrolment_transition(*, by, enrolment: Enrolment, to: str, reason: str = "") -> Enrolment:
    require_perm(by, "approve_care" if to in DECISIONS else "edit_care")
    enrolment = Enrolment.objects.select_for_update().select_related("person__unit").get(pk=enrolment.pk)
    current = Status(enrolment.status)
    if to not in TRANSITIONS[current]:
        raise ValidationError({"status": _("状态“%(a)s”不能直接变为“%(b)s”。") % {
            "a": current.label, "b": Status(to).label if to in Status.values else to}})
    reason = (reason or "").strip()
    if to in (Status.REJECTED, Status.ENDED) and not reason:
        raise ValidationError({"reason": _("不通过或结束时必须填写理由。")})
    enrolment.status = to
    enrolment.reason = reason
    enrolment.save(update_fields=["status", "reason", "updated_at"])
    EnrolmentStep.objects.create(enrolment=enrolment, from_status=current, to_status=to, reason=reason, by=by)
    tally.enrolment_moved(enrolment, current, to)
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=enrolment, unit=enrolment.person.unit,
                 changes={"status": [current.value, to], "reason": reason})
    return enrolment


# ---- pairing and visits -------------------------------------------------------------------------

@transaction.atomic
def pairing_create(*, by, helper, beneficiary, helper_kind: str, start_date: datetime.date, programme=None,
                   situation: str = "") -> Pairing:
    require_perm(by, "edit_care")
    if helper.pk == beneficiary.pk:
        raise ValidationError({"helper": _("帮扶人不能是帮扶对象本人。")})
    if start_date > timezone.localdate():
        raise ValidationError({"start_date": _("结对日期不能晚于今天。")})
    if programme is not None:
        _check_person_in_programme(programme, beneficiary, field="beneficiary")
    if Pairing.objects.filter(helper=helper, beneficiary=beneficiary, end_date__isnull=True).exists():
        raise ValidationError({"helper": _("二人已在结对中。")})
    pairing = Pairing.objects.create(helper=helper, beneficiary=beneficiary, helper_kind=helper_kind,
                                     start_date=start_date, programme=programme, situation=situation,
                                     last_contact_on=start_date)
    tally.pairing_moved(beneficiary.unit_id, None, start_date)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=pairing, unit=beneficiary.unit,
                 changes=audit.snapshot(pairing))
    return pairing


@transaction.atomic
def pairing_end(*, by, pairing: Pairing, end_date: datetime.date) -> Pairing:
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
def visit_create(*, by, pairing: Pairing, date: datetime.date, kind: str, done: str, needs: str = "",
                 next_step: str = "") -> Visit:
    require_perm(by, "edit_care")
    if date > timezone.localdate():
        raise ValidationError({"date": _("走访日期不能晚于今天。")})
    if date < pairing.start_date:
        raise ValidationError({"date": _("走访日期不能早于结对日期。")})
    if not (done or "").strip():
        raise ValidationError({"done": _("请填写帮扶内容。")})
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


# ---- funds ---------------------------------------------------------------------------------------

def fund_balance(fund: Fund) -> Decimal:
    signed = Case(When(direction=FundEntry.Direction.IN, then=F("amount")), default=-F("amount"),
                  output_field=DecimalField(max_digits=14, decimal_places=2))
    total = fund.entries.filter(amount__isnull=False).aggregate(b=Coalesce(Sum(signed), Value(Decimal("0"))))["b"]
    return Decimal(total).quantize(CENT)


@transaction.atomic
def fund_create(*, by, unit, name: str, purpose: str = "") -> Fund:
    require_perm(by, "edit_care")
    _within(by, unit)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("资金名称不能为空。")})
    if Fund.objects.filter(unit=unit, name=name).exists():
        raise ValidationError({"name": _("本单位已有同名资金。")})
    fund = Fund.objects.create(unit=unit, name=name, purpose=purpose)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=fund, changes=audit.snapshot(fund))
    return fund


def _lock_fund_and_check(fund: Fund, outgoing: Decimal, overdraw_reason: str) -> None:
    """Lock the fund row so two payments cannot both see the same balance, then refuse an unexplained overdraft."""
    Fund.objects.select_for_update().filter(pk=fund.pk).first()
    balance = fund_balance(fund)
    if outgoing > balance and not (overdraw_reason or "").strip():
        raise ValidationError({"amount": _("“%(f)s”余额%(b)s元，不足支出%(a)s元；如确需透支，请填写透支原因。") % {
            "f": fund.name, "b": balance, "a": outgoing}})


def _pay_from_fund(*, by, fund: Fund | None, amount: Decimal, date: datetime.date, party: str, purpose: str,
                   overdraw_reason: str = "", **link) -> FundEntry | None:
    """Money out of a fund for help given (Spring Bud aid, an insurance premium): refused past the
    balance unless a reason is recorded, like a benefit."""
    if fund is None:
        return None
    if not fund.unit.is_within(by.unit):
        raise ValidationError({"fund": _("所选资金不在您的管辖范围内。")})
    _lock_fund_and_check(fund, amount, overdraw_reason)
    return FundEntry.objects.create(fund=fund, direction=FundEntry.Direction.OUT, date=date, amount=amount,
                                    party=party, purpose=purpose, overdraw_reason=(overdraw_reason or "").strip(),
                                    created_by=by, **link)


@transaction.atomic
def fund_entry_create(*, by, fund: Fund, direction: str, date: datetime.date, party: str, amount=None, goods: str = "",
                      goods_value=None, purpose: str = "", overdraw_reason: str = "") -> FundEntry:
    require_perm(by, "edit_care")
    amount = clean_money(amount, field="amount", label=_("金额"), required=False)
    goods_value = clean_money(goods_value, field="goods_value", label=_("物品折价"), required=False)
    if amount is None and not goods.strip():
        raise ValidationError({"amount": _("请填写金额或物品。")})
    if not (party or "").strip():
        raise ValidationError({"party": _("请填写捐赠人或去向。")})
    if direction == FundEntry.Direction.OUT and amount:
        _lock_fund_and_check(fund, amount, overdraw_reason)
    entry = FundEntry.objects.create(fund=fund, direction=direction, date=date, amount=amount, goods=goods,
                                     goods_value=goods_value, party=party, purpose=purpose,
                                     overdraw_reason=overdraw_reason if direction == FundEntry.Direction.OUT else "",
                                     created_by=by)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=entry, unit=fund.unit,
                 changes=audit.snapshot(entry, ["direction", "date", "amount", "goods", "goods_value", "party",
                                                "purpose", "overdraw_reason"]))
    return entry


# ---- benefits ---------------------------------------------------------------------------------------

def _clean_benefit(*, by, programme, fund, given_on, cash, goods, goods_value, delivered_by, fund_source):
    cash = clean_money(cash, field="cash", label=_("现金"), required=False)
    goods_value = clean_money(goods_value, field="goods_value", label=_("物品折价"), required=False)
    goods = (goods or "").strip()
    if cash is None and not goods:
        raise ValidationError({"cash": _("请填写现金金额或发放的物品。")})
    if goods_value is not None and not goods:
        raise ValidationError({"goods": _("填写了物品折价，请同时写明物品。")})
    if not given_on:
        raise ValidationError({"given_on": _("请填写发放日期。")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("发放日期不能晚于今天。")})
    if not (delivered_by or "").strip():
        raise ValidationError({"delivered_by": _("请填写发放人。")})
    if fund is not None and not fund.unit.is_within(by.unit):
        raise ValidationError({"fund": _("所选资金不在您的管辖范围内。")})
    fund_source = (fund_source or "").strip() or (fund.name if fund else "") or programme.fund_source
    if not fund_source:
        raise ValidationError({"fund_source": _("请填写资金来源或选择善款资金。")})
    return cash, goods, goods_value, fund_source


@transaction.atomic
def benefit_create(*, by, programme: Programme, person, given_on: datetime.date, cash=None, goods: str = "",
                   goods_value=None, fund: Fund | None = None, fund_source: str = "", delivered_by: str = "",
                   note: str = "", overdraw_reason: str = "") -> Benefit:
    require_perm(by, "edit_care")
    _check_person_in_programme(programme, person)
    cash, goods, goods_value, fund_source = _clean_benefit(
        by=by, programme=programme, fund=fund, given_on=given_on, cash=cash, goods=goods, goods_value=goods_value,
        delivered_by=delivered_by, fund_source=fund_source)
    if fund is not None and cash:
        _lock_fund_and_check(fund, cash, overdraw_reason)
    benefit = Benefit.objects.create(programme=programme, person=person, given_on=given_on, cash=cash, goods=goods,
                                     goods_value=goods_value, fund=fund, fund_source=fund_source,
                                     delivered_by=delivered_by, note=note, created_by=by)
    if fund is not None:
        FundEntry.objects.create(fund=fund, direction=FundEntry.Direction.OUT, date=given_on, amount=cash,
                                 goods=goods, goods_value=goods_value, party=person.name, purpose=programme.name,
                                 benefit=benefit, overdraw_reason=overdraw_reason, created_by=by)
    tally.benefits_added([benefit])
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=benefit, unit=person.unit,
                 changes=audit.snapshot(benefit, ["programme", "person", "given_on", "cash", "goods", "goods_value",
                                                  "fund", "fund_source", "delivered_by"]))
    return benefit


@transaction.atomic
def holiday_round_record(*, by, unit, programme: Programme, name: str, date: datetime.date, people, cash=None,
                         goods: str = "", goods_value=None, fund: Fund | None = None, fund_source: str = "",
                         delivered_by: str = "", overdraw_reason: str = "") -> HolidayRound:
    """Record a whole visiting round at once: all the benefits or none of them.

    `people` is a queryset (or list) of Person already scoped to the user; each must lie in the
    programme's unit. Benefits and fund entries are written with bulk_create so 2,000 recipients
    take a handful of statements; one audit entry names the round and its count.
    """
    require_perm(by, "edit_care")
    _within(by, unit)
    if not (name or "").strip():
        raise ValidationError({"name": _("请填写慰问名称。")})
    cash, goods, goods_value, fund_source = _clean_benefit(
        by=by, programme=programme, fund=fund, given_on=date, cash=cash, goods=goods, goods_value=goods_value,
        delivered_by=delivered_by, fund_source=fund_source)
    recipients = list(people)
    if not recipients:
        raise ValidationError({"people": _("筛选结果中没有慰问对象。")})
    outside = [p.name for p in recipients if not p.unit.is_within(programme.unit) or not p.unit.is_within(unit)]
    if outside:
        raise ValidationError({"people": _("以下人员不在项目或本次慰问的单位范围内：%(names)s") % {
            "names": "、".join(outside[:10]) + ("等" if len(outside) > 10 else "")}})
    if fund is not None and cash:
        _lock_fund_and_check(fund, cash * len(recipients), overdraw_reason)
    round_ = HolidayRound.objects.create(unit=unit, programme=programme, name=name.strip(), date=date,
                                         recipients=len(recipients), created_by=by)
    benefits = Benefit.objects.bulk_create([
        Benefit(programme=programme, person=p, given_on=date, cash=cash, goods=goods, goods_value=goods_value,
                fund=fund, fund_source=fund_source, delivered_by=delivered_by, round=round_, created_by=by)
        for p in recipients
    ], batch_size=500)
    if benefits and benefits[0].pk is None:  # backends without RETURNING: fetch the ids back
        benefits = list(Benefit.objects.filter(round=round_).select_related("person").order_by("id"))
    if fund is not None:
        FundEntry.objects.bulk_create([
            FundEntry(fund=fund, direction=FundEntry.Direction.OUT, date=date, amount=cash, goods=goods,
                      goods_value=goods_value, party=b.person.name, purpose=round_.name, benefit=b,
                      overdraw_reason=overdraw_reason, created_by=by)
            for b in benefits
        ], batch_size=500)
    tally.benefits_added(benefits)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=round_, changes={
        "programme": str(programme), "date": str(date), "recipients": len(recipients),
        "cash": str(cash) if cash else None, "goods": goods, "fund_source": fund_source})
    return round_


# ---- screening, consent, relief --------------------------------------------------------------

@transaction.atomic
def campaign_create(*, by, unit, name: str, date: datetime.date, institution: str, programme=None) -> ScreeningCampaign:
    require_perm(by, "edit_care")
    _within(by, unit)
    if not (name or "").strip():
        raise ValidationError({"name": _("请填写筛查活动名称。")})
    if not (institution or "").strip():
        raise ValidationError({"institution": _("请填写筛查机构。")})
    campaign = ScreeningCampaign.objects.create(unit=unit, name=name.strip(), date=date, institution=institution,
                                                programme=programme)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=campaign, changes=audit.snapshot(campaign))
    return campaign


def active_consent(person, kind: str) -> Consent | None:
    return Consent.objects.filter(person=person, kind=kind, withdrawn_on__isnull=True).order_by("-given_on").first()


@transaction.atomic
def consent_record(*, by, person, kind: str, basis: str, given_on: datetime.date, note: str = "") -> Consent:
    require_perm(by, "edit_care")
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("日期不能晚于今天。")})
    if basis == "guardian" and (person.age is None or person.age >= 14):
        raise ValidationError({"basis": _("监护人同意仅适用于不满十四周岁的儿童；本人已满十四周岁，应取得本人同意。")})
    if basis == "consent" and person.age is not None and person.age < 14:
        raise ValidationError({"basis": _("不满十四周岁的儿童，应取得其监护人的同意。")})
    consent = Consent.objects.create(person=person, kind=kind, basis=basis, given_on=given_on, note=note,
                                     created_by=by)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=consent, unit=person.unit,
                 changes=audit.snapshot(consent, ["kind", "basis", "given_on", "note"]))
    return consent


@transaction.atomic
def consent_withdraw(*, by, consent: Consent, withdrawn_on: datetime.date) -> Consent:
    require_perm(by, "edit_care")
    if consent.withdrawn_on:
        raise ValidationError({"withdrawn_on": _("该授权已撤回。")})
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": _("撤回日期不能早于授权日期。")})
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=consent, unit=consent.person.unit,
                 changes={"withdrawn_on": [None, str(withdrawn_on)]})
    return consent


def _require_basis(person, kind):
    if active_consent(person, kind) is None:
        raise ValidationError({"person": _("没有“%(name)s”的有效%(k)s处理依据(同意或法定职责)，或已撤回，不能用于新的工作。") % {
            "name": person.name, "k": SensitiveKind(kind).label}})


@transaction.atomic
def screening_result_record(*, by, campaign: ScreeningCampaign, person, result: str, cervical=True, breast=True,
                            diagnosis: str = "", stage: str = "", follow_up: str = "",
                            treatment: str = "") -> ScreeningResult:
    require_perm(by, "view_health_data")
    require_perm(by, "edit_care")
    _require_basis(person, SensitiveKind.HEALTH)
    if not (cervical or breast):
        raise ValidationError({"cervical": _("请至少选择一项筛查(宫颈癌或乳腺癌)。")})
    if result == Result.CONFIRMED and not diagnosis:
        raise ValidationError({"diagnosis": _("确诊时请选择确诊类型。")})
    if result != Result.CONFIRMED and diagnosis:
        raise ValidationError({"diagnosis": _("未确诊时不能填写确诊类型。")})
    if ScreeningResult.objects.filter(campaign=campaign, person=person).exists():
        raise ValidationError({"person": _("“%(name)s”在本次筛查中已有结果。") % {"name": person.name}})
    obj = ScreeningResult.objects.create(campaign=campaign, person=person, result=result, cervical=cervical,
                                         breast=breast, diagnosis=diagnosis, stage=stage, follow_up=follow_up,
                                         treatment=treatment, created_by=by)
    tally.screening_added(obj)
    # The audit keeps that a result was recorded, not what it was: the log is not a second copy of health data.
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=obj, unit=person.unit,
                 changes={"campaign": str(campaign)})
    return obj


@transaction.atomic(savepoint=False)  # one bulk INSERT: atomic by itself, no savepoint per page
def log_health_views(*, by, people, what: str, ip_address=None) -> None:
    """One "view" audit row per woman whose health data a page showed.

    Written in one bulk insert so a page of 20 results costs one statement, not 20; the rows are
    the same ones audit.record() would write.
    """
    AuditEntry.objects.bulk_create([
        AuditEntry(actor=by, unit_id=person.unit_id, action=AuditEntry.Action.VIEW, object_type="care.screeningresult",
                   object_id=str(person.pk), object_repr=f"{person.name} · {what}"[:200], ip_address=ip_address)
        for person in {p.pk: p for p in people}.values()
    ])


def relief_eligibility_error(policy: ReliefPolicy, result: ScreeningResult) -> str | None:
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
def relief_policy_create(*, by, unit, name: str, amount, categories: list[str], cervical_min_stage: str = "IIB",
                         breast_any_invasive: bool = True) -> ReliefPolicy:
    require_perm(by, "approve_care")
    _within(by, unit)
    amount = clean_money(amount, field="amount", label=_("救助金额"))
    categories = [c.strip() for c in categories if c.strip()]
    if not categories:
        raise ValidationError({"categories": _("请至少填写一个低收入类别。")})
    if not (name or "").strip():
        raise ValidationError({"name": _("请填写政策名称。")})
    policy = ReliefPolicy.objects.create(unit=unit, name=name.strip(), amount=amount, categories=categories,
                                         cervical_min_stage=cervical_min_stage,
                                         breast_any_invasive=breast_any_invasive)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=policy, changes=audit.snapshot(policy))
    return policy


@transaction.atomic
def relief_apply(*, by, result: ScreeningResult, policy: ReliefPolicy, category: str, year: int) -> ReliefApplication:
    require_perm(by, "view_health_data")
    require_perm(by, "edit_care")
    person = result.person
    _require_basis(person, SensitiveKind.HEALTH)
    error = relief_eligibility_error(policy, result)
    if error:
        raise ValidationError({"result": error})
    if category not in policy.categories:
        raise ValidationError({"category": _("“%(c)s”不是本政策认定的低收入类别(%(all)s)。") % {
            "c": category, "all": "、".join(policy.categories)}})
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
def relief_transition(*, by, application: ReliefApplication, to: str, reason: str = "") -> ReliefApplication:
    require_perm(by, "approve_care" if to in DECISIONS else "edit_care")
    app = ReliefApplication.objects.select_for_update().select_related("person__unit").get(pk=application.pk)
    current = Status(app.status)
    if to not in TRANSITIONS[current]:
        raise ValidationError({"status": _("状态“%(a)s”不能直接变为“%(b)s”。") % {
            "a": current.label, "b": Status(to).label if to in Status.values else to}})
    if to in (Status.REJECTED, Status.ENDED) and not (reason or "").strip():
        raise ValidationError({"reason": _("不通过或结束时必须填写理由。")})
    app.status, app.reason = to, reason
    if to in DECISIONS:
        app.decided_on = timezone.localdate()
    app.save(update_fields=["status", "reason", "decided_on"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=app, unit=app.person.unit,
                 changes={"status": [current.value, to], "reason": reason})
    return app



# ---- 春蕾计划 ----------------------------------------------------------------------------------

def _require_child_basis(person):
    """A child under 14's data is sensitive: a guardian's consent (or a statutory duty) must be on record."""
    if person.age is not None and person.age < 14:
        _require_basis(person, SensitiveKind.MINOR)


@transaction.atomic
def spring_bud_register(*, by, person, school: str, grade: str, registered_on: datetime.date,
                        family_situation: str = "", donor: str = "") -> SpringBudGirl:
    require_perm(by, "edit_care")
    if person.sex != "F":
        raise ValidationError({"person": _("春蕾计划资助的是女童。")})
    if person.age is not None and person.age >= 18:
        raise ValidationError({"person": _("“%(name)s”已满十八周岁，不能登记为春蕾女童。") % {"name": person.name}})
    _require_child_basis(person)
    if SpringBudGirl.objects.filter(person=person).exists():
        raise ValidationError({"person": _("“%(name)s”已在春蕾女童名册中。") % {"name": person.name}})
    if not (school or "").strip():
        raise ValidationError({"school": _("请填写就读学校。")})
    girl = SpringBudGirl.objects.create(person=person, school=school, grade=grade, registered_on=registered_on,
                                        family_situation=family_situation, donor=donor)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=girl, unit=person.unit,
                 changes=audit.snapshot(girl, ["school", "grade", "donor", "registered_on"]))
    return girl


@transaction.atomic
def spring_bud_aid(*, by, girl: SpringBudGirl, term: str, amount, donor: str, paid_on: datetime.date,
                   fund: Fund | None = None, overdraw_reason: str = "") -> SpringBudAid:
    require_perm(by, "edit_care")
    amount = clean_money(amount, field="amount", label=_("资助金额"))
    if girl.left_school_on:
        raise ValidationError({"term": _("该女童已离校，不能再发放资助。")})
    if not (term or "").strip():
        raise ValidationError({"term": _("请填写学期。")})
    if SpringBudAid.objects.filter(girl=girl, term=term.strip()).exists():
        raise ValidationError({"term": _("%(t)s已发放过资助。") % {"t": term}})
    aid = SpringBudAid.objects.create(girl=girl, term=term.strip(), amount=amount, donor=donor, paid_on=paid_on,
                                      fund=fund)
    _pay_from_fund(by=by, fund=fund, amount=amount, date=paid_on, party=girl.person.name,
                   purpose=_("春蕾助学 %(t)s") % {"t": aid.term}, overdraw_reason=overdraw_reason, spring_bud_aid=aid)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=aid, unit=girl.person.unit,
                 changes={"term": aid.term, "amount": str(amount), "donor": donor})
    return aid


@transaction.atomic
def spring_bud_left_school(*, by, girl: SpringBudGirl, left_on: datetime.date, reason: str) -> SpringBudGirl:
    require_perm(by, "edit_care")
    if not (reason or "").strip():
        raise ValidationError({"left_reason": _("请填写离校原因。")})
    girl.left_school_on, girl.left_reason = left_on, reason
    girl.save(update_fields=["left_school_on", "left_reason"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=girl, unit=girl.person.unit,
                 changes={"left_school_on": [None, str(left_on)], "left_reason": [None, reason]})
    return girl


# ---- 留守儿童普查 ------------------------------------------------------------------------------

@transaction.atomic
def childrens_home_create(*, by, unit, name: str, address: str = "") -> ChildrensHome:
    require_perm(by, "edit_care")
    _within(by, unit)
    if not (name or "").strip():
        raise ValidationError({"name": _("请填写名称。")})
    home = ChildrensHome.objects.create(unit=unit, name=name.strip(), address=address)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=home, changes=audit.snapshot(home))
    return home


@transaction.atomic
def census_round_create(*, by, unit, year: int, name: str) -> CensusRound:
    require_perm(by, "edit_care")
    _within(by, unit)
    if CensusRound.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"year": _("%(u)s%(y)s年的普查已建立。") % {"u": unit.name, "y": year}})
    census = CensusRound.objects.create(unit=unit, year=year, name=(name or "").strip() or f"{year}年留守儿童普查")
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=census, changes=audit.snapshot(census))
    return census


@transaction.atomic
def census_child_add(*, by, census: CensusRound, child, guardian: str, father_whereabouts: str = "",
                     mother_whereabouts: str = "", school: str = "", needs: str = "", home=None) -> CensusChild:
    require_perm(by, "edit_care")
    if not child.unit.is_within(census.unit):
        raise ValidationError({"child": _("“%(n)s”不在本次普查的单位范围内。") % {"n": child.name}})
    if child.age is None or child.age >= 18:
        raise ValidationError({"child": _("普查对象应为未满十八周岁的儿童(请先登记出生日期)。")})
    _require_child_basis(child)
    if not (guardian or "").strip():
        raise ValidationError({"guardian": _("请填写监护人。")})
    if CensusChild.objects.filter(round=census, child=child).exists():
        raise ValidationError({"child": _("“%(n)s”已在本次普查中。") % {"n": child.name}})
    row = CensusChild.objects.create(round=census, child=child, guardian=guardian,
                                     father_whereabouts=father_whereabouts, mother_whereabouts=mother_whereabouts,
                                     school=school, needs=needs, home=home)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=row, unit=child.unit,
                 changes={"round": str(census)})
    return row


# ---- 女性安康保险 ------------------------------------------------------------------------------

@transaction.atomic
def insurance_policy_create(*, by, person, year: int, insurer: str, premium, paid_by: str, payer: str = "",
                            fund: Fund | None = None, overdraw_reason: str = "") -> InsurancePolicy:
    require_perm(by, "edit_care")
    premium = clean_money(premium, field="premium", label=_("保费"))
    if paid_by == "donor" and not (payer or "").strip():
        raise ValidationError({"payer": _("由爱心捐赠支付时请填写捐赠人。")})
    if InsurancePolicy.objects.filter(person=person, year=year).exists():
        raise ValidationError({"year": _("“%(n)s”%(y)s年已投保。") % {"n": person.name, "y": year}})
    if fund is not None and paid_by == "self":
        raise ValidationError({"fund": _("本人缴纳的保费不从善款中支出；由妇联或爱心捐赠支付时才选择善款资金。")})
    policy = InsurancePolicy.objects.create(person=person, year=year, insurer=insurer, premium=premium,
                                            paid_by=paid_by, payer=payer, fund=fund)
    _pay_from_fund(by=by, fund=fund, amount=premium, date=timezone.localdate(), party=person.name,
                   purpose=_("%(y)s年女性安康保险保费") % {"y": year}, overdraw_reason=overdraw_reason,
                   insurance_policy=policy)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=policy, unit=person.unit,
                 changes=audit.snapshot(policy, ["year", "insurer", "premium", "paid_by", "payer"]))
    return policy


@transaction.atomic
def insurance_claim_create(*, by, policy: InsurancePolicy, date: datetime.date, reason: str,
                           amount_paid) -> InsuranceClaim:
    require_perm(by, "edit_care")
    amount_paid = clean_money(amount_paid, field="amount_paid", label=_("赔付金额"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写出险原因。")})
    claim = InsuranceClaim.objects.create(policy=policy, date=date, reason=reason, amount_paid=amount_paid)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=claim, unit=policy.person.unit,
                 changes={"date": str(date), "amount_paid": str(amount_paid)})
    return claim
