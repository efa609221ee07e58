"""维权信访: petitions and rights cases, the most sensitive records in the system.

A case belongs to its handling unit (`unit`, normally the township federation); who may open
it is decided in selectors.case_list / get_case_for_user, never here.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banbiantian.core.crypto import EncryptedTextField
from banbiantian.core.models import OrgUnit
from banbiantian.people.models import Person


class Channel(models.TextChoices):
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    CALL = "call", _("来电")
    ONLINE = "online", _("网络")
    HOTLINE = "12338", _("12338转办")
    ASSIGNED = "assigned", _("上级交办")


class Status(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    REJECTED = "rejected", _("不予受理")
    ACCEPTED = "accepted", _("办理中")
    CLOSE_PROPOSED = "close_proposed", _("待审批办结")
    CLOSED = "closed", _("已办结")
    REVIEW = "review", _("复查/复核中")
    VISITED = "visited", _("已回访")


OPEN_STATUSES = [Status.REGISTERED, Status.ACCEPTED, Status.CLOSE_PROPOSED, Status.REVIEW]


class RiskLevel(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")
    DANGER = "danger", _("危险")


class Agency(models.TextChoices):
    JUSTICE = "justice", _("司法所")
    POLICE = "police", _("派出所")
    COURT = "court", _("法院")
    LABOUR = "labour", _("人社")
    CIVIL = "civil", _("民政")
    GOVERNANCE = "governance", _("综治中心")
    OTHER = "other", _("其他")


class CaseCategory(models.Model):
    """案件类别: data the county can extend (seeded by a data migration)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    is_domestic_violence = models.BooleanField(_("属于家庭暴力"), default=False)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("案件类别")
        verbose_name_plural = _("案件类别")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.name


class RightsPolicy(models.Model):
    """A unit's own deadlines and number format; units without one use the nearest ancestor's, then
    the defaults of the 信访工作条例 (2022)."""

    unit = models.OneToOneField(OrgUnit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+")
    number_format = models.CharField(
        _("案件编号格式"), max_length=60, default="{short}妇信〔{year}〕{seq}号",
        help_text=_("可用 {short}（单位简称）、{year}（年份）、{seq}（当年序号）。"))
    short_name = models.CharField(_("单位简称"), max_length=20, blank=True)
    reply_days = models.PositiveSmallIntegerField(_("告知处理意见期限（日）"), default=15)
    object_workdays = models.PositiveSmallIntegerField(_("交办异议期限（工作日）"), default=5)
    close_days = models.PositiveSmallIntegerField(_("办结期限（日）"), default=60)
    extension_max_days = models.PositiveSmallIntegerField(_("延期上限（日）"), default=30)
    review_request_days = models.PositiveSmallIntegerField(_("申请复查/复核期限（日）"), default=30)
    review_answer_days = models.PositiveSmallIntegerField(_("复查/复核答复期限（日）"), default=30)
    referral_reply_days = models.PositiveSmallIntegerField(_("转办回复期限（日）"), default=15)
    return_visit_days = models.PositiveSmallIntegerField(_("办结后回访期限（日）"), default=30)
    dv_visit_offsets = models.CharField(_("告诫书送达后查访（第几天，逗号分隔）"), max_length=40, default="7,30,90")

    class Meta:
        verbose_name = _("维权信访办理规则")
        verbose_name_plural = _("维权信访办理规则")

    def __str__(self):
        return str(self.unit)

    def visit_offsets(self) -> list[int]:
        return [int(x) for x in self.dv_visit_offsets.replace("，", ",").split(",") if x.strip().isdigit()]


class Holiday(models.Model):
    """The public-holiday calendar for working-day deadlines: days off (放假) and the weekend days that
    are worked instead (调休上班). Preloaded from the State Council notices; the county admin keeps it."""

    class Kind(models.TextChoices):
        OFF = "off", _("放假")
        WORK = "work", _("调休上班")

    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=4, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=20)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day} {self.name} {self.get_kind_display()}"


class CaseCounter(models.Model):
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="rights_counter_unit_year")]

    def __str__(self):
        return f"{self.unit_id}/{self.year}: {self.last}"


class Case(models.Model):
    scope_field = "unit"

    unit = models.ForeignKey(OrgUnit, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("案件编号"), max_length=60)
    year = models.PositiveSmallIntegerField(_("年份"))
    seq = models.PositiveIntegerField(_("序号"))
    channel = models.CharField(_("来源方式"), max_length=12, choices=Channel.choices)
    category = models.ForeignKey(CaseCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="+")
    petitioner = models.ForeignKey(Person, verbose_name=_("当事人"), on_delete=models.PROTECT, related_name="+")
    respondent = models.CharField(_("被反映人"), max_length=100, blank=True)
    respondent_relation = models.CharField(_("与当事人关系"), max_length=20, blank=True)
    request = models.TextField(_("诉求"))
    narrative = EncryptedTextField(_("反映情况"), blank=True)
    injuries = EncryptedTextField(_("伤情"), blank=True)
    current_address = EncryptedTextField(_("现住址"), blank=True)
    # A third party who reports on someone else (信访工作条例 art. 46): never on anything the accused could receive.
    reporter_name = models.CharField(_("反映人（代为反映）"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("反映人电话"), max_length=20, blank=True)
    confidential = models.BooleanField(_("保密"), default=False)
    consent_share = models.BooleanField(_("同意转办和共享"), default=False)
    consent_contact = models.BooleanField(_("同意被联系"), default=True)
    repeat_of = models.ForeignKey("self", verbose_name=_("同一事项的前案"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="repeats")
    is_repeat = models.BooleanField(_("重复信访"), default=False)
    skip_level = models.BooleanField(_("越级信访"), default=False)
    lacks_capacity = models.BooleanField(_("无民事行为能力或限制民事行为能力"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REGISTERED)
    handling = models.CharField(_("办理方式"), max_length=12, blank=True)  # "mediation" / "referral"
    received_on = models.DateField(_("收到日期"))
    reply_due = models.DateField(_("告知期限"))
    object_due = models.DateField(_("交办异议期限"), null=True, blank=True)
    replied_on = models.DateField(_("告知日期"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    reject_reason = models.TextField(_("不予受理理由"), blank=True)
    close_due = models.DateField(_("办结期限"), null=True, blank=True)
    extended_days = models.PositiveSmallIntegerField(_("延期天数"), default=0)
    extension_reason = models.CharField(_("延期理由"), max_length=200, blank=True)
    extension_notice_on = models.DateField(_("延期告知日期"), null=True, blank=True)
    outcome = models.TextField(_("办理结果"), blank=True)
    satisfied = models.BooleanField(_("当事人满意"), null=True, blank=True)
    close_proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    return_visit_due = models.DateField(_("回访期限"), null=True, blank=True)
    return_visit_on = models.DateField(_("回访日期"), null=True, blank=True)
    return_visit_result = models.TextField(_("回访情况"), blank=True)
    review_level = models.PositiveSmallIntegerField(_("复查复核次数"), default=0)  # 1 复查, 2 复核 (final)
    review_requested_on = models.DateField(_("申请复查/复核日期"), null=True, blank=True)
    review_due = models.DateField(_("复查/复核答复期限"), null=True, blank=True)
    # 家庭暴力
    is_dv = models.BooleanField(_("家庭暴力"), default=False)
    risk_level = models.CharField(_("风险等级"), max_length=8, choices=RiskLevel.choices, blank=True)
    risk_answers = models.JSONField(_("风险评估"), default=dict, blank=True)
    warning_issued_on = models.DateField(_("告诫书出具日期"), null=True, blank=True)
    warning_issued_by = models.CharField(_("告诫书出具机关"), max_length=60, blank=True)
    warning_served_on = models.DateField(_("告诫书送达村(居)委会日期"), null=True, blank=True)
    order_applied_at = models.DateTimeField(_("保护令申请时间"), null=True, blank=True)
    order_urgent = models.BooleanField(_("紧急申请"), default=False)
    order_court = models.CharField(_("受理法院"), max_length=60, blank=True)
    order_granted_on = models.DateField(_("保护令签发日期"), null=True, blank=True)
    order_expires_on = models.DateField(_("保护令到期日期"), null=True, blank=True)
    shelter_referral = models.BooleanField(_("转介庇护"), default=False)
    legal_aid_referral = models.BooleanField(_("转介法律援助"), default=False)
    mandatory_report_to = models.CharField(_("强制报告对象"), max_length=60, blank=True)
    mandatory_report_at = models.DateTimeField(_("强制报告时间"), null=True, blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("交村(社区)跟进人"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                      related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    # The deadline of the current stage, kept by save() so the due/overdue list is one index range.
    due_on = models.DateField(_("当前期限"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("维权信访案件")
        verbose_name_plural = _("维权信访案件")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "seq"], name="rights_case_unit_year_seq"),
        ]
        indexes = [
            models.Index(fields=["unit", "received_on"], name="rights_case_unit_received"),
            models.Index(fields=["due_on", "id"], name="rights_case_due_on"),
            models.Index(fields=["received_on", "id"], name="rights_case_received"),
            # The protection-order reminders: few rows each, so two small partial indexes.
            models.Index(fields=["order_expires_on"], name="rights_case_order_expiry",
                         condition=Q(order_expires_on__isnull=False)),
            models.Index(fields=["order_applied_at"], name="rights_case_order_pending",
                         condition=Q(order_applied_at__isnull=False, order_granted_on__isnull=True)),
            # The metrics place a case in a period by the date that defines each figure: one index per date
            # (both databases combine them for the statistics' OR of date ranges).
            models.Index(fields=["accepted_on"], name="rights_case_accepted"),
            models.Index(fields=["closed_on"], name="rights_case_closed"),
            models.Index(fields=["replied_on"], name="rights_case_replied"),
            models.Index(fields=["warning_issued_on"], name="rights_case_warning",
                         condition=Q(warning_issued_on__isnull=False)),
            models.Index(fields=["order_granted_on"], name="rights_case_order_granted",
                         condition=Q(order_granted_on__isnull=False)),
            # Every column the statistics' one aggregate reads: on PostgreSQL it is an index-only scan instead of
            # a scan of the wide case rows (SQLite unions the date indexes above instead).
            models.Index(fields=["unit", "received_on", "accepted_on", "replied_on", "closed_on", "close_due",
                                 "status", "satisfied", "is_repeat", "skip_level", "is_dv", "risk_level",
                                 "warning_issued_on", "order_granted_on", "id"], name="rights_case_figures"),
            models.Index(fields=["petitioner", "received_on"], name="rights_case_petitioner"),
            models.Index(fields=["registered_by"], name="rights_case_registered_by"),
            models.Index(fields=["assigned_to"], name="rights_case_assigned_to"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("rights:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def victim_is_minor(self) -> bool:
        return self.petitioner.is_minor

    @property
    def needs_mandatory_report(self) -> bool:
        return self.is_dv and (self.petitioner.is_minor or self.lacks_capacity)

    @property
    def order_ruling_due(self) -> datetime.datetime | None:
        if not self.order_applied_at:
            return None
        return self.order_applied_at + datetime.timedelta(hours=24 if self.order_urgent else 72)

    def current_due(self) -> datetime.date | None:
        """The deadline of the stage the case is in."""
        if self.status == Status.REGISTERED:
            return self.reply_due
        if self.status in (Status.ACCEPTED, Status.CLOSE_PROPOSED):
            return self.close_due
        if self.status == Status.REVIEW:
            return self.review_due
        if self.status == Status.CLOSED:
            return self.return_visit_due
        return None

    def save(self, *args, **kwargs):
        self.due_on = self.current_due()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "due_on"}
        super().save(*args, **kwargs)

    def current_due_label(self) -> str:
        """What the stage's deadline is for: the due list says which deadline a row has missed."""
        if self.status == Status.REGISTERED:
            return str(_("受理告知期限"))
        if self.status in (Status.ACCEPTED, Status.CLOSE_PROPOSED):
            return str(_("办结期限"))
        if self.status == Status.REVIEW:
            return str(_("复查答复期限") if self.review_level <= 1 else _("复核答复期限"))
        if self.status == Status.CLOSED:
            return str(_("回访期限"))
        return ""

    @property
    def overdue_deadlines(self) -> list[tuple[str, datetime.date]]:
        """Each deadline still open and past, with what it is for: the stage's (a closed case's only open one
        is its return visit) and, when the list annotated it (`referral_due`), a referral awaiting a reply."""
        today = timezone.localdate()
        missed = []
        due = self.current_due()
        if due is not None and due < today:
            missed.append((self.current_due_label(), due))
        referral_due = getattr(self, "referral_due", None)
        if referral_due is not None and referral_due < today:
            missed.append((str(_("转办回复期限")), referral_due))
        return missed

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        due = self.current_due()
        return due is not None and due < (today or timezone.localdate())


class CaseEvent(models.Model):
    """The case's timeline: every step with who did it."""

    scope_field = "case__unit"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True,
                              on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("环节"), max_length=30)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.case} {self.kind}"


class ExtensionRequest(models.Model):
    """延期: the handler asks once per case (信访工作条例: at most 30 days, approved, the petitioner told);
    someone else with approve_case_close approves or refuses it with a reason. The case's deadline moves
    only on approval."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("不予批准")

    scope_field = "case__unit"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="extension")
    days = models.PositiveSmallIntegerField(_("申请延期天数"))
    reason = models.CharField(_("延期理由"), max_length=200)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decision = models.CharField(_("审批结果"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_reason = models.CharField(_("审批意见"), max_length=200, blank=True)
    notice_on = models.DateField(_("告知当事人日期"), null=True, blank=True)
    notice_how = models.CharField(_("告知方式"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")

    def __str__(self):
        return f"{self.case} +{self.days}"


class Referral(models.Model):
    scope_field = "case__unit"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    agency = models.CharField(_("转办部门"), max_length=12, choices=Agency.choices)
    receiving_unit = models.CharField(_("接收单位"), max_length=100)
    referred_on = models.DateField(_("转办日期"))
    reply_due = models.DateField(_("回复期限"))
    replied_on = models.DateField(_("回复日期"), null=True, blank=True)
    reply = models.TextField(_("回复内容"), blank=True)
    without_consent = models.BooleanField(_("未经本人同意"), default=False)
    without_consent_reason = models.CharField(_("未经同意转办的理由"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["referred_on", "id"]

    def __str__(self):
        return f"{self.case} → {self.receiving_unit}"


class MediationSession(models.Model):
    scope_field = "case__unit"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediations")
    held_on = models.DateField(_("调解日期"))
    mediators = models.CharField(_("调解员"), max_length=200)
    parties = models.CharField(_("参加人"), max_length=200)
    agreement_reached = models.BooleanField(_("达成协议"), default=False)
    agreement_text = models.TextField(_("协议内容"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"{self.case} {self.held_on}"

    def get_absolute_url(self):
        return self.case.get_absolute_url()


class Visit(models.Model):
    """查访 after a 告诫书 (反家庭暴力法 art. 17) and other follow-up visits, each with its due date."""

    scope_field = "case__unit"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visits")
    due_on = models.DateField(_("应查访日期"))
    done_on = models.DateField(_("查访日期"), null=True, blank=True)
    result = models.TextField(_("查访情况"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["done_on", "due_on"], name="rights_visit_due")]

    def __str__(self):
        return f"{self.case} {self.due_on}"


class VillageFollowUp(models.Model):
    """交村跟进: what the village director handed the case did, and when — her record on the case."""

    scope_field = "case__unit"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="village_followups")
    done_on = models.DateField(_("跟进日期"))
    result = models.TextField(_("跟进情况"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("跟进人"), on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("交村跟进记录")
        verbose_name_plural = _("交村跟进记录")
        ordering = ["done_on", "id"]

    def __str__(self):
        return f"{self.case} {self.done_on}"


def _attachment_path(instance, filename):
    # The original name stays in `name`; the stored name says nothing about the case or the person.
    import uuid

    return f"rights/{instance.case.year}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    scope_field = "case__unit"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=_attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class DisputeScreening(models.Model):
    """矛盾纠纷排查: one report per village per month; "none found" is an answer, not a blank."""

    scope_field = "unit"

    unit = models.ForeignKey(OrgUnit, verbose_name=_("村(社区)"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("月份"))  # first day of the month
    none_found = models.BooleanField(_("本月未发现矛盾纠纷"), default=False)
    found = models.PositiveSmallIntegerField(_("排查发现"), default=0)
    resolved = models.PositiveSmallIntegerField(_("化解"), default=0)
    escalated = models.PositiveSmallIntegerField(_("上报"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("矛盾纠纷排查")
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="rights_screening_unit_month")]
        ordering = ["-month", "unit_id"]

    def __str__(self):
        return f"{self.unit} {self.month:%Y-%m}"
