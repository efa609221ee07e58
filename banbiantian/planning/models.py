"""Annual plans and their targets (年度工作计划 / 目标).

A plan belongs to one unit and one year. A target is either a metric with a comparison and a
value, whose actual is always computed from recorded work (core.metrics), or a manually
reported one (手工填报: its own label and unit, the actual typed with who and when) for the
kinds of work the system cannot count. A county target split to the townships becomes one
target in each township's plan, pointing back at it through `parent`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banbiantian.core import metrics
from banbiantian.core.models import OrgUnit


class Comparison(models.TextChoices):
    GTE = "gte", _("不少于（≥）")
    LTE = "lte", _("不超过（≤）")
    EQ = "eq", _("等于（=）")
    RATE_GTE = "rate_gte", _("比率不低于（率≥）")


SYMBOL = {Comparison.GTE: "≥", Comparison.LTE: "≤", Comparison.EQ: "=", Comparison.RATE_GTE: "≥"}


class SplitMode(models.TextChoices):
    MANUAL = "manual", _("逐个乡镇填写")
    EVEN = "even", _("平均分解")
    PROPORTIONAL = "proportional", _("按比例分解")
    SAME = "same", _("各乡镇相同（比率）")


class Plan(models.Model):
    scope_field = "unit"

    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("制定人"))

    class Meta:
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")
        ordering = ["-year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="plan_one_per_unit_year")]

    def __str__(self):
        return f"{self.unit.name}{self.year}年工作计划"


class Target(models.Model):
    scope_field = "plan__unit"

    plan = models.ForeignKey(Plan, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="targets")
    parent = models.ForeignKey("self", verbose_name=_("上级下达目标"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="splits")
    metric_key = models.CharField(_("统计指标"), max_length=80, blank=True)
    comparison = models.CharField(_("比较方式"), max_length=10, choices=Comparison.choices, default=Comparison.GTE)
    value = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2)
    # Manually reported targets (手工填报) only:
    label = models.CharField(_("目标名称"), max_length=100, blank=True)
    measure_unit = models.CharField(_("计量单位"), max_length=10, blank=True)
    actual = models.DecimalField(_("实际完成"), max_digits=14, decimal_places=2, null=True, blank=True)
    actual_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    actual_at = models.DateTimeField(_("填报时间"), null=True, blank=True)
    split_mode = models.CharField(_("分解方式"), max_length=16, choices=SplitMode.choices, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "parent"], condition=Q(parent__isnull=False),
                                    name="target_one_split_per_plan"),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.name} {self.symbol} {self.value_text}{self.unit_text}"

    @property
    def is_manual(self) -> bool:
        return not self.metric_key

    @property
    def metric(self):
        try:
            return metrics.get(self.metric_key) if self.metric_key else None
        except KeyError:  # an area's metric that is no longer registered
            return None

    @property
    def name(self) -> str:
        if self.is_manual:
            return self.label
        metric = self.metric
        return str(metric.label) if metric else self.metric_key

    @property
    def unit_text(self) -> str:
        if self.is_manual:
            return self.measure_unit
        metric = self.metric
        return str(metric.unit) if metric else ""

    @property
    def symbol(self) -> str:
        return SYMBOL.get(self.comparison, "")

    @property
    def is_rate(self) -> bool:
        metric = self.metric
        return self.comparison == Comparison.RATE_GTE or (metric is not None and metric.kind == metrics.RATE)

    @property
    def value_text(self) -> str:
        return format_number(self.value)


def format_number(value) -> str:
    """12 for 12.00, 12.5 for 12.50: targets and actuals as people write them."""
    if value is None:
        return "—"
    text = f"{value:f}" if not isinstance(value, int) else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text
