"""Statistical forms as data: a form definition, its cells and rules, and the reports filled in.

A form (表式) is defined by the county on pages, never in code: a code, a period type, the
levels of unit that fill it, a deadline, and cells laid out as rows × columns. A cell is
metric-backed (its metric key is looked up at run time in core.metrics; a key nobody has
registered makes the cell typed) or typed. A report is one form × unit × period; each cell
holds a number, or 不适用, or nothing yet (未填报) — three different things.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banbiantian.core import metrics
from banbiantian.core.models import Level, OrgUnit


class FormDefinition(models.Model):
    code = models.CharField(_("表号"), max_length=30, unique=True)
    name = models.CharField(_("报表名称"), max_length=100)
    period_kind = models.CharField(_("报告期"), max_length=8, choices=list(metrics.PERIOD_TYPES.items()))
    # Comma-separated Level values, e.g. "village,township": who fills it.
    levels = models.CharField(_("填报层级"), max_length=60)
    deadline_days = models.PositiveSmallIntegerField(_("报送期限(报告期结束后天数)"), default=10)
    active = models.BooleanField(_("启用"), default=True)
    # Periods that ended before the form was in use are not owed by anyone (blank: every period).
    start_date = models.DateField(_("开始填报日期"), null=True, blank=True,
                                  help_text=_("此日期前结束的报告期不要求填报"))
    description = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("统计报表")
        verbose_name_plural = _("统计报表")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def level_list(self) -> list[str]:
        return [level for level in Level.values if level in self.levels.split(",")]

    def level_labels(self) -> str:
        return "、".join(str(Level(level).label) for level in self.level_list)

    def deadline(self, period: metrics.Period):
        import datetime

        return period.end + datetime.timedelta(days=self.deadline_days)


class ValueType(models.TextChoices):
    COUNT = "count", _("数量")
    AMOUNT = "amount", _("金额")
    SHARE = "share", _("比例(%)")


class Cell(models.Model):
    """One figure of the form. Cells with the same row label share a row; the column label
    (blank for a one-column form) names the column, so an age-band breakdown is either
    separate rows or one row with a column per band."""

    form = models.ForeignKey(FormDefinition, verbose_name=_("报表"), on_delete=models.CASCADE, related_name="cells")
    code = models.CharField(_("指标代码"), max_length=20, help_text=_("在审核规则中引用，如 A1"))
    row_label = models.CharField(_("行(指标名称)"), max_length=100)
    column_label = models.CharField(_("列"), max_length=50, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    value_type = models.CharField(_("数值类型"), max_length=8, choices=ValueType.choices, default=ValueType.COUNT)
    metric_key = models.CharField(_("取数指标"), max_length=80, blank=True,
                                  help_text=_("留空为手工填报；填写系统指标则自动取数"))
    # A share typed from two other cells of the form: recomputed from them, never averaged.
    numerator = models.CharField(_("分子指标代码"), max_length=20, blank=True)
    denominator = models.CharField(_("分母指标代码"), max_length=20, blank=True)
    unit_label = models.CharField(_("计量单位"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("报表指标")
        verbose_name_plural = _("报表指标")
        ordering = ["form", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="statforms_cell_code_unique")]

    def __str__(self):
        return f"{self.row_label}{('·' + self.column_label) if self.column_label else ''}"

    @property
    def metric(self) -> metrics.Metric | None:
        """The registered metric behind the cell, or None (a typed cell)."""
        if not self.metric_key:
            return None
        try:
            return metrics.get(self.metric_key)
        except KeyError:
            return None

    @property
    def computed(self) -> bool:
        return bool(self.numerator and self.denominator) and self.metric is None


class RuleKind(models.TextChoices):
    LE = "le", _("A ≤ B")
    SUM = "sum", _("A = B + C + …")
    BOTH = "both", _("同时填报或同时不填")
    CHANGE_PREVIOUS = "prev", _("与上期相比变动超过X%需说明")
    CHANGE_LAST_YEAR = "yoy", _("与上年同期相比变动超过X%需说明")


CONTINUITY = (RuleKind.CHANGE_PREVIOUS, RuleKind.CHANGE_LAST_YEAR)


class Rule(models.Model):
    form = models.ForeignKey(FormDefinition, verbose_name=_("报表"), on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("规则类型"), max_length=8, choices=RuleKind.choices)
    left = models.CharField(_("指标A"), max_length=20)
    right = models.CharField(_("指标B(多个用空格分隔)"), max_length=200, blank=True)
    threshold = models.DecimalField(_("变动幅度(%)"), max_digits=7, decimal_places=2, null=True, blank=True)
    blocking = models.BooleanField(_("强制(不通过不能上报)"), default=True)
    message = models.CharField(_("提示信息"), max_length=200)

    class Meta:
        verbose_name = _("审核规则")
        verbose_name_plural = _("审核规则")
        ordering = ["form", "id"]

    def __str__(self):
        return self.message

    @property
    def right_codes(self) -> list[str]:
        return self.right.split()


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已上报")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核")
    # Marked by the unit above: the report never came (with a reason); the unit above may then be
    # approved without it, the unit named. The unit can still fill and send it.
    ABSENT = "absent", _("未收到")


# What the status page shows for a unit with no report at all.
NOT_STARTED = _("未开始")
LOCKED = (Status.SUBMITTED, Status.APPROVED)


class Report(models.Model):
    scope_field = "unit"

    form = models.ForeignKey(FormDefinition, verbose_name=_("报表"), on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="+")
    period_key = models.CharField(_("报告期"), max_length=10)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Raised on every save of values: a second editor working from an older version is refused.
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    absent_reason = models.CharField(_("未收到原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("统计报表填报")
        verbose_name_plural = _("统计报表填报")
        ordering = ["-period_key", "form", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["form", "unit", "period_key"], name="statforms_report_unique"),
            models.CheckConstraint(condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                                   name="statforms_submitted_has_time"),
        ]
        indexes = [models.Index(fields=["form", "period_key", "status"], name="statforms_report_period")]

    def __str__(self):
        return f"{self.unit} {self.period.label} {self.form.name}"

    @property
    def period(self) -> metrics.Period:
        return metrics.Period.parse(self.period_key)

    @property
    def editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.RETURNED, Status.ABSENT)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("statforms:report", args=[self.pk])


class State(models.TextChoices):
    NUMBER = "number", _("数值")
    NOT_APPLICABLE = "na", _("不适用")
    MISSING = "missing", _("未填报")


class Value(models.Model):
    """A cell of a report. A metric-backed cell that was never overridden has no stored value
    while the report is a draft (it shows today's figure); submission stores every cell, so
    the figures sent upward stay as they were sent."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    cell = models.ForeignKey(Cell, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.MISSING)
    number = models.DecimalField(_("数值"), max_digits=16, decimal_places=2, null=True, blank=True)
    # A metric-backed cell typed over: the figure the system counted at that time.
    overridden = models.BooleanField(default=False)
    comment = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "cell"], name="statforms_value_unique"),
            models.CheckConstraint(condition=Q(state="number", number__isnull=False) | (~Q(state="number") & Q(
                number__isnull=True)), name="statforms_value_number_iff_state"),
        ]

    def __str__(self):
        return f"{self.cell}: {self.number if self.state == State.NUMBER else self.get_state_display()}"


class ValueChange(models.Model):
    """Who changed a cell, when, from what to what."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="changes")
    cell = models.ForeignKey(Cell, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), on_delete=models.PROTECT,
                           related_name="+")
    old = models.CharField(_("原值"), max_length=40)
    new = models.CharField(_("新值"), max_length=40)
    comment = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.cell}: {self.old} → {self.new}"


class Event(models.Model):
    """The report's way upward: submitted, returned, approved, unlocked — with reasons."""

    class Kind(models.TextChoices):
        SUBMIT = "submit", _("上报")
        RETURN = "return", _("退回")
        APPROVE = "approve", _("审核通过")
        UNLOCK = "unlock", _("解锁")
        ABSENT = "absent", _("标记未收到")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("操作"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT,
                           related_name="+")
    reason = models.CharField(_("原因"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """催报: the unit above reminded a unit of a report it owes; shown on that unit's 待办 until it is sent."""

    scope_field = "unit"

    form = models.ForeignKey(FormDefinition, verbose_name=_("报表"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("被催报单位"), on_delete=models.PROTECT, related_name="+")
    period_key = models.CharField(_("报告期"), max_length=10)
    at = models.DateTimeField(_("催报时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("催报人"), on_delete=models.PROTECT,
                           related_name="+")

    class Meta:
        verbose_name = _("催报记录")
        verbose_name_plural = _("催报记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["unit", "period_key"], name="statforms_reminder_unit")]

    def __str__(self):
        return f"{self.unit} {metrics.Period.parse(self.period_key).label} {self.form.name}"

    @property
    def period(self) -> metrics.Period:
        return metrics.Period.parse(self.period_key)
