"""关爱帮扶: programmes and everything given through them.

Scoping (the one access rule, `scope_field`):
- Programmes, funds, screening campaigns and holiday rounds belong to their organising unit.
  A unit also *sees* (never edits) the programmes and campaigns of the units above it, because
  a village carries out the county's programme: see selectors.visible_programmes.
- Everything about a person (enrolments, benefits, pairings, visits, screening results,
  relief applications, consents) is scoped through the person's unit, so "what have we done
  for her" is answered by whoever looks after her, whichever level organised the help.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banbiantian.core.models import OrgUnit
from banbiantian.people.models import Person, SpecialGroup

MONEY = dict(max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])


def _unit_field(label):
    """The org unit a record belongs to (its organiser or keeper); the scope goes through it."""
    return models.ForeignKey(OrgUnit, verbose_name=label, on_delete=models.PROTECT, related_name="+")


def _user_field(verbose_name=None):
    """Who recorded or decided it; kept as empty if the account is deleted."""
    return models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=verbose_name or _("登记人"), null=True, on_delete=models.SET_NULL,
                             related_name="+")


def _reverses_field():
    """A counter-entry (冲销) names the money entry it cancels; the original is never edited or deleted."""
    return models.OneToOneField("self", verbose_name=_("冲销的记录"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="reversal")


class Reversible(models.Model):
    """A money entry: corrected only by a counter-entry with the opposite amounts (see services/corrections).

    The original keeps its amounts and gets `reversed_at`; the counter-entry points at it with `reverses`.
    Lists show both (the totals net to zero); figures count only live entries (`LIVE`)."""

    reversed_at = models.DateTimeField(_("冲销时间"), null=True, blank=True)
    reverse_reason = models.CharField(_("冲销原因"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


# A money entry that counts: neither cancelled nor the counter-entry that cancels.
LIVE = Q(reversed_at__isnull=True, reverses__isnull=True)


class Voidable(models.Model):
    """A record that can be voided (作废) with a reason; voided records drop out of every list and figure."""

    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=300, blank=True)

    class Meta:
        abstract = True


NOT_VOIDED = Q(voided_at__isnull=True)


class Kind(models.TextChoices):
    PAIRING = "pairing", _("结对帮扶")
    SCREENING = "screening", _("两癌筛查")
    RELIEF = "relief", _("救助金")
    SPRING_BUD = "spring_bud", _("春蕾助学")
    HOLIDAY = "holiday", _("节日慰问")
    INSURANCE = "insurance", _("女性安康保险")
    LOAN = "loan", _("贷款推荐")
    OTHER = "other", _("其他")


class Programme(models.Model):
    scope_field = "unit"

    unit = _unit_field(_("组织单位"))
    name = models.CharField(_("项目名称"), max_length=100)
    kind = models.CharField(_("项目类别"), max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    budget = models.DecimalField(_("预算(元)"), null=True, blank=True, **MONEY)
    fund_source = models.CharField(_("资金来源"), max_length=100, blank=True)
    eligibility = models.TextField(_("对象条件"), blank=True)
    target_groups = models.ManyToManyField(SpecialGroup, verbose_name=_("面向特殊群体"), blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        verbose_name = _("帮扶项目")
        verbose_name_plural = _("帮扶项目")
        ordering = ["-year", "name", "id"]
        indexes = [models.Index(fields=["unit", "year"], name="programme_unit_year")]

    def __str__(self):
        return f"{self.year} {self.name}"


class Status(models.TextChoices):
    APPLIED = "applied", _("申请")
    REVIEWING = "reviewing", _("审核")
    APPROVED = "approved", _("通过")
    REJECTED = "rejected", _("不通过")
    ENDED = "ended", _("结束")


# Which status may follow which; approving or refusing needs approve_care.
TRANSITIONS = {
    Status.APPLIED: {Status.REVIEWING, Status.REJECTED},
    Status.REVIEWING: {Status.APPROVED, Status.REJECTED},
    Status.APPROVED: {Status.ENDED},
    Status.REJECTED: set(),
    Status.ENDED: set(),
}
DECISIONS = {Status.APPROVED, Status.REJECTED}


def _status_field():
    """The 申请 → 审核 → 通过/不通过 → 结束 status of an application (see TRANSITIONS)."""
    return models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.APPLIED)


class Enrolment(models.Model):
    scope_field = "person__unit"

    programme = models.ForeignKey(Programme, verbose_name=_("帮扶项目"), on_delete=models.PROTECT,
                                  related_name="enrolments")
    person = models.ForeignKey(Person, verbose_name=_("帮扶对象"), on_delete=models.PROTECT, related_name="+")
    status = _status_field()
    applied_on = models.DateField(_("申请日期"), default=datetime.date.today)
    reason = models.CharField(_("最近一次处理意见"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    class Meta:
        verbose_name = _("帮扶对象")
        verbose_name_plural = _("帮扶对象")
        ordering = ["programme", "person__name", "id"]
        constraints = [models.UniqueConstraint(fields=["programme", "person"], name="enrolment_once_per_programme")]
        indexes = [
            models.Index(fields=["person", "programme"], name="enrolment_person"),
            # The beneficiary list walks one programme's enrolments in id order and stops at the page.
            models.Index(fields=["programme", "id"], name="enrolment_programme_id"),
        ]

    def __str__(self):
        return f"{self.person} · {self.programme}"


class EnrolmentStep(models.Model):
    """Each status change with its reason: the history of a decision."""

    scope_field = "enrolment__person__unit"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="steps", verbose_name=_("帮扶对象"))
    from_status = models.CharField(_("原状态"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=Status.choices)
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    by = _user_field(_("经办人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    # The day the step took effect: today on the page, the ledger's date for an imported roster (a decision
    # made last year counts in last year's figures, whenever it was typed in).
    on = models.DateField(_("办理日期"), default=timezone.localdate)

    class Meta:
        verbose_name = _("审核步骤")
        verbose_name_plural = _("审核步骤")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class HelperKind(models.TextChoices):
    CADRE = "cadre", _("妇联干部")
    VOLUNTEER = "volunteer", _("志愿者")
    CARING_MOTHER = "caring_mother", _("爱心妈妈")


class Pairing(models.Model):
    scope_field = "beneficiary__unit"

    # The helper is a registered person (volunteer, caring mother, anyone in the registry) or a cadre's account.
    helper = models.ForeignKey(Person, verbose_name=_("帮扶人"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    helper_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("帮扶干部"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    helper_kind = models.CharField(_("帮扶人身份"), max_length=16, choices=HelperKind.choices)
    beneficiary = models.ForeignKey(Person, verbose_name=_("帮扶对象"), on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, verbose_name=_("帮扶项目"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("结对日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    situation = models.TextField(_("家庭情况"), blank=True)
    # The later of the start date and the last visit: the overdue list is one indexed range on it.
    last_contact_on = models.DateField(_("最近联系日期"))

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        ordering = ["last_contact_on", "id"]
        indexes = [models.Index(fields=["end_date", "last_contact_on"], name="pairing_overdue")]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                                   name="pairing_end_after_start"),
            models.CheckConstraint(condition=~Q(helper=models.F("beneficiary")), name="pairing_not_self"),
            models.CheckConstraint(condition=Q(helper__isnull=False, helper_user__isnull=True)
                                   | Q(helper__isnull=True, helper_user__isnull=False), name="pairing_one_helper"),
        ]

    def __str__(self):
        return f"{self.helper_name} → {self.beneficiary}"

    @property
    def helper_name(self) -> str:
        if self.helper_id:
            return self.helper.name
        return str(self.helper_user) if self.helper_user_id else ""


class VisitKind(models.TextChoices):
    HOME = "home", _("入户走访")
    CALL = "call", _("电话联系")
    SCHOOL = "school", _("到校看望")


class Visit(Voidable):
    scope_field = "pairing__beneficiary__unit"

    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="visits", verbose_name=_("结对"))
    date = models.DateField(_("日期"))
    kind = models.CharField(_("方式"), max_length=10, choices=VisitKind.choices)
    done = models.TextField(_("帮扶内容"))
    needs = models.TextField(_("发现的需求"), blank=True)
    next_step = models.CharField(_("下一步"), max_length=300, blank=True)
    created_by = _user_field()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class Fund(models.Model):
    """A fund (善款账户) kept by a unit: donations in, help out, balance never below zero unexplained."""

    scope_field = "unit"

    unit = _unit_field(_("管理单位"))
    name = models.CharField(_("资金名称"), max_length=100)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("善款资金")
        verbose_name_plural = _("善款资金")
        ordering = ["unit__path", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="fund_name_per_unit")]

    def __str__(self):
        return self.name


class HolidayRound(models.Model):
    """One visiting round (2026春节慰问): many benefits recorded at once."""

    scope_field = "unit"

    unit = _unit_field(_("组织单位"))
    programme = models.ForeignKey(Programme, verbose_name=_("帮扶项目"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("慰问名称"), max_length=100)
    date = models.DateField(_("慰问日期"))
    recipients = models.PositiveIntegerField(_("慰问人数"), default=0)
    created_by = _user_field()
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("登记时间"))

    class Meta:
        verbose_name = _("节日慰问")
        verbose_name_plural = _("节日慰问")
        ordering = ["-date", "-id"]

    def __str__(self):
        return self.name


class Benefit(Reversible):
    scope_field = "person__unit"

    programme = models.ForeignKey(Programme, verbose_name=_("帮扶项目"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("受助人"), on_delete=models.PROTECT, related_name="+")
    given_on = models.DateField(_("发放日期"))
    cash = models.DecimalField(_("现金(元)"), null=True, blank=True, **MONEY)
    goods = models.CharField(_("物品"), max_length=200, blank=True)
    goods_value = models.DecimalField(_("物品折价(元)"), null=True, blank=True, **MONEY)
    fund = models.ForeignKey(Fund, verbose_name=_("善款资金"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    fund_source = models.CharField(_("资金来源"), max_length=100)
    delivered_by = models.CharField(_("发放人"), max_length=100)
    round = models.ForeignKey(HolidayRound, null=True, blank=True, on_delete=models.PROTECT, related_name="benefits", verbose_name=_("节日慰问"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    reverses = _reverses_field()
    created_by = _user_field()

    class Meta:
        verbose_name = _("帮扶发放")
        verbose_name_plural = _("帮扶发放")
        ordering = ["-given_on", "-id"]
        indexes = [
            models.Index(fields=["person", "given_on"], name="benefit_person_date"),
            models.Index(fields=["programme", "given_on"], name="benefit_programme_date"),
            models.Index(fields=["given_on"], name="benefit_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(cash__isnull=False) | Q(goods_value__isnull=False) | ~Q(goods=""),
                                   name="benefit_cash_or_goods"),
            # A counter-entry carries the negated amounts of the benefit it cancels.
            models.CheckConstraint(condition=Q(cash__isnull=True) | Q(cash__gt=0) | Q(reverses__isnull=False),
                                   name="benefit_cash_positive"),
            models.CheckConstraint(condition=Q(goods_value__isnull=True) | Q(goods_value__gt=0)
                                   | Q(reverses__isnull=False), name="benefit_goods_value_positive"),
        ]

    def __str__(self):
        return f"{self.given_on} {self.person}"


class FundEntry(Reversible):
    scope_field = "fund__unit"

    class Direction(models.TextChoices):
        IN = "in", _("收入")
        OUT = "out", _("支出")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries", verbose_name=_("善款"))
    direction = models.CharField(_("收支"), max_length=3, choices=Direction.choices)
    date = models.DateField(_("日期"))
    amount = models.DecimalField(_("金额(元)"), null=True, blank=True, **MONEY)
    goods = models.CharField(_("物品"), max_length=200, blank=True)
    goods_value = models.DecimalField(_("物品折价(元)"), null=True, blank=True, **MONEY)
    party = models.CharField(_("捐赠人/去向"), max_length=100)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    benefit = models.OneToOneField(Benefit, null=True, blank=True, on_delete=models.PROTECT, related_name="fund_entry", verbose_name=_("帮扶发放"))
    # Spring Bud aid and insurance premiums paid from a fund are money out of it too (see below).
    spring_bud_aid = models.OneToOneField("SpringBudAid", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="fund_entry", verbose_name=_("春蕾资助"))
    insurance_policy = models.OneToOneField("InsurancePolicy", null=True, blank=True, on_delete=models.PROTECT,
                                            related_name="fund_entry", verbose_name=_("保险"))
    overdraw_reason = models.CharField(_("透支原因"), max_length=300, blank=True)
    reverses = _reverses_field()
    created_by = _user_field()

    class Meta:
        verbose_name = _("善款收支")
        verbose_name_plural = _("善款收支")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__isnull=False) | ~Q(goods=""), name="fundentry_money_or_goods"),
        ]

    def __str__(self):
        return f"{self.date} {self.get_direction_display()} {self.amount or self.goods}"


class ScreeningCampaign(models.Model):
    scope_field = "unit"

    unit = _unit_field(_("组织单位"))
    programme = models.ForeignKey(Programme, verbose_name=_("帮扶项目"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("筛查活动"), max_length=100)
    date = models.DateField(_("筛查日期"))
    institution = models.CharField(_("筛查机构"), max_length=100)

    class Meta:
        verbose_name = _("两癌筛查活动")
        verbose_name_plural = _("两癌筛查活动")
        ordering = ["-date", "-id"]

    def __str__(self):
        return self.name


class Result(models.TextChoices):
    NORMAL = "normal", _("未见异常")
    REVIEW = "review", _("异常需复查")
    SUSPECTED = "suspected", _("疑似")
    CONFIRMED = "confirmed", _("确诊")


class Diagnosis(models.TextChoices):
    NONE = "", _("—")
    CERVICAL_INVASIVE = "cervical_invasive", _("浸润性宫颈癌")
    BREAST_INVASIVE = "breast_invasive", _("浸润性乳腺癌")
    OTHER = "other", _("其他")


# FIGO stages of cervical cancer in order; relief starts at a configurable stage (IIB nationally).
STAGES = ["IA", "IB", "IIA", "IIB", "IIIA", "IIIB", "IIIC", "IVA", "IVB"]


class ScreeningResult(Voidable):
    """Sensitive health data: only view_health_data sees it, and every view is logged."""

    scope_field = "person__unit"

    campaign = models.ForeignKey(ScreeningCampaign, on_delete=models.PROTECT, related_name="results", verbose_name=_("筛查活动"))
    person = models.ForeignKey(Person, verbose_name=_("受检妇女"), on_delete=models.PROTECT, related_name="+")
    cervical = models.BooleanField(_("宫颈癌筛查"), default=True)
    breast = models.BooleanField(_("乳腺癌筛查"), default=True)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices)
    diagnosis = models.CharField(_("确诊类型"), max_length=20, choices=Diagnosis.choices, blank=True)
    stage = models.CharField(_("分期"), max_length=5, blank=True, choices=[(s, s) for s in STAGES])
    follow_up = models.TextField(_("随访情况"), blank=True)
    treatment = models.TextField(_("治疗情况"), blank=True)
    created_by = _user_field()

    class Meta:
        verbose_name = _("两癌筛查结果")
        verbose_name_plural = _("两癌筛查结果")
        ordering = ["person__name", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], condition=Q(voided_at__isnull=True),
                                               name="screening_once_per_campaign")]
        indexes = [models.Index(fields=["person"], name="screening_person")]

    def __str__(self):
        return f"{self.person} · {self.campaign}"


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("本人单独同意")
    GUARDIAN = "guardian", _("监护人同意(不满十四周岁)")
    STATUTORY = "statutory", _("履行法定职责")


class SensitiveKind(models.TextChoices):
    HEALTH = "health", _("健康信息")
    MINOR = "minor", _("不满十四周岁未成年人信息")


class Consent(models.Model):
    """The legal basis for holding sensitive personal information (个人信息保护法 第28-31条)."""

    scope_field = "person__unit"

    person = models.ForeignKey(Person, verbose_name=_("本人"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("信息类别"), max_length=8, choices=SensitiveKind.choices)
    basis = models.CharField(_("处理依据"), max_length=10, choices=LegalBasis.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    given_on = models.DateField(_("日期"))
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    created_by = _user_field()

    class Meta:
        verbose_name = _("敏感信息处理依据")
        verbose_name_plural = _("敏感信息处理依据")
        ordering = ["-given_on", "-id"]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()}"


class ReliefPolicy(models.Model):
    """How a province runs 低收入妇女"两癌"救助: amount, categories, criteria (data, not code)."""

    scope_field = "unit"

    unit = _unit_field(_("制定单位"))
    name = models.CharField(_("政策名称"), max_length=100)
    amount = models.DecimalField(_("救助金额(元)"), **MONEY)
    categories = models.JSONField(_("低收入类别"), default=list)
    cervical_min_stage = models.CharField(_("宫颈癌起付分期"), max_length=5, default="IIB",
                                          choices=[(s, s) for s in STAGES])
    breast_any_invasive = models.BooleanField(_("浸润性乳腺癌均可救助"), default=True)

    class Meta:
        verbose_name = _("两癌救助政策")
        verbose_name_plural = _("两癌救助政策")

    def __str__(self):
        return self.name


class ReliefApplication(models.Model):
    scope_field = "person__unit"

    result = models.ForeignKey(ScreeningResult, verbose_name=_("筛查结果"), on_delete=models.PROTECT,
                               related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人"))
    policy = models.ForeignKey(ReliefPolicy, verbose_name=_("救助政策"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.CharField(_("低收入类别"), max_length=40)
    amount = models.DecimalField(_("救助金额(元)"), **MONEY)
    status = _status_field()
    reason = models.CharField(_("处理意见"), max_length=300, blank=True)
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("两癌救助申请")
        verbose_name_plural = _("两癌救助申请")
        ordering = ["-year", "-id"]
        constraints = [
            # No double payment: at most one live (not refused) application per woman per year.
            models.UniqueConstraint(fields=["person", "year"], condition=~Q(status="rejected"),
                                    name="relief_once_per_person_year"),
        ]

    def __str__(self):
        return f"{self.year} {self.person}"


# ---- 春蕾计划, 留守儿童普查, 女性安康保险 --------------------------------------------------------

class SpringBudGirl(models.Model):
    """A girl in the Spring Bud database; flagged when she leaves school or comes of age (18)."""

    scope_field = "person__unit"

    person = models.OneToOneField(Person, verbose_name=_("受助女童"), on_delete=models.PROTECT, related_name="+")
    school = models.CharField(_("就读学校"), max_length=100)
    grade = models.CharField(_("年级"), max_length=20)
    family_situation = models.TextField(_("家庭情况"), blank=True)
    donor = models.CharField(_("资助人"), max_length=100, blank=True)
    registered_on = models.DateField(_("登记日期"))
    left_school_on = models.DateField(_("离校日期"), null=True, blank=True)
    left_reason = models.CharField(_("离校原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("春蕾女童")
        verbose_name_plural = _("春蕾女童")
        ordering = ["person__name", "id"]

    def __str__(self):
        return str(self.person)


class SpringBudAid(Reversible):
    scope_field = "girl__person__unit"

    girl = models.ForeignKey(SpringBudGirl, on_delete=models.PROTECT, related_name="aids", verbose_name=_("春蕾女童"))
    term = models.CharField(_("学期"), max_length=20)
    amount = models.DecimalField(_("资助金额(元)"), **MONEY)
    donor = models.CharField(_("资助人"), max_length=100)
    paid_on = models.DateField(_("发放日期"))
    fund = models.ForeignKey(Fund, verbose_name=_("善款资金"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    reverses = _reverses_field()

    class Meta:
        verbose_name = _("春蕾资助")
        verbose_name_plural = _("春蕾资助")
        ordering = ["-paid_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["girl", "term"], condition=LIVE,
                                               name="springbud_once_per_term")]

    def __str__(self):
        return f"{self.girl} {self.term}"


class ChildrensHome(models.Model):
    """儿童之家: where left-behind children go after school."""

    scope_field = "unit"

    unit = _unit_field(_("所在村(社区)"))
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("儿童之家")
        verbose_name_plural = _("儿童之家")
        ordering = ["unit__path", "name"]

    def __str__(self):
        return self.name


class CensusRound(models.Model):
    """留守儿童普查: one round a year per organising unit, so villages compare year on year."""

    scope_field = "unit"

    unit = _unit_field(_("组织单位"))
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("普查名称"), max_length=100)

    class Meta:
        verbose_name = _("留守儿童普查")
        verbose_name_plural = _("留守儿童普查")
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="census_once_per_unit_year")]

    def __str__(self):
        return self.name


class CensusChild(Voidable):
    scope_field = "child__unit"

    round = models.ForeignKey(CensusRound, on_delete=models.PROTECT, related_name="children", verbose_name=_("普查轮次"))
    child = models.ForeignKey(Person, verbose_name=_("儿童"), on_delete=models.PROTECT, related_name="+")
    guardian = models.CharField(_("监护人"), max_length=50)
    father_whereabouts = models.CharField(_("父亲外出务工地"), max_length=100, blank=True)
    mother_whereabouts = models.CharField(_("母亲外出务工地"), max_length=100, blank=True)
    school = models.CharField(_("就读学校"), max_length=100, blank=True)
    needs = models.CharField(_("需求"), max_length=300, blank=True)
    home = models.ForeignKey(ChildrensHome, verbose_name=_("儿童之家"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("普查儿童")
        verbose_name_plural = _("普查儿童")
        ordering = ["child__name", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "child"], condition=Q(voided_at__isnull=True),
                                               name="census_child_once")]

    def __str__(self):
        return str(self.child)


class PaidBy(models.TextChoices):
    SELF = "self", _("本人")
    FEDERATION = "federation", _("妇联")
    DONOR = "donor", _("爱心捐赠")


class InsurancePolicy(Voidable):
    scope_field = "person__unit"

    person = models.ForeignKey(Person, verbose_name=_("投保人"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    insurer = models.CharField(_("承保公司"), max_length=100)
    premium = models.DecimalField(_("保费(元)"), **MONEY)
    paid_by = models.CharField(_("保费支付方"), max_length=12, choices=PaidBy.choices)
    payer = models.CharField(_("捐赠人"), max_length=100, blank=True)
    fund = models.ForeignKey(Fund, verbose_name=_("善款资金"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")

    class Meta:
        verbose_name = _("女性安康保险")
        verbose_name_plural = _("女性安康保险")
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "year"], condition=Q(voided_at__isnull=True),
                                               name="insurance_once_per_year")]

    def __str__(self):
        return f"{self.year} {self.person}"


class InsuranceClaim(Reversible):
    scope_field = "policy__person__unit"

    policy = models.ForeignKey(InsurancePolicy, on_delete=models.PROTECT, related_name="claims", verbose_name=_("保险"))
    date = models.DateField(_("理赔日期"))
    reason = models.CharField(_("出险原因"), max_length=200)
    amount_paid = models.DecimalField(_("赔付金额(元)"), **MONEY)
    reverses = _reverses_field()

    class Meta:
        verbose_name = _("保险理赔")
        verbose_name_plural = _("保险理赔")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.policy} {self.date}"


class Tally(models.Model):
    """A running total of one unit (and everything below it) for one period: see care/tally.py.

    Not a record of its own: written only by the care services (and tally.rebuild), read by the
    care metrics and the statistics page."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("单位"))
    period = models.CharField(max_length=8, verbose_name=_("期间"))  # Period.key ("2026", "2026-H1", "2026-Q2", "2026-M03") or "-"
    key = models.CharField(max_length=160, verbose_name=_("指标"))
    value = models.DecimalField(max_digits=16, decimal_places=2, default=0, verbose_name=_("数值"))

    class Meta:
        verbose_name = _("统计累计")
        verbose_name_plural = _("统计累计")
        constraints = [models.UniqueConstraint(fields=["unit", "period", "key"], name="tally_once")]

    def __str__(self):
        return f"{self.unit_id} {self.period} {self.key} {self.value}"
