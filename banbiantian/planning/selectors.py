"""Reads for plans and targets: every figure through core.metrics, scoped to the user.

A plan's actuals are computed in one `metrics.compute` call for all its targets (one grouped
query per distinct metric, none per target); the county table asks for all townships at once.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import metrics
from banbiantian.core.access import get_for_user, scope
from banbiantian.core.metrics import Period
from banbiantian.core.models import Level, OrgUnit

from .models import Comparison, Plan, Target, format_number

# Behind the year's pace by less than this share of the expected figure: "slightly slow".
SLOW = Decimal("0.8")


def elapsed_share(year: int, today: datetime.date) -> Decimal:
    """How much of `year` has passed by the end of `today` (0 before it, 1 after it)."""
    if year < today.year:
        return Decimal(1)
    if year > today.year:
        return Decimal(0)
    start = datetime.date(year, 1, 1)
    days = (datetime.date(year + 1, 1, 1) - start).days
    return Decimal((today - start).days + 1) / Decimal(days)


@dataclass
class Progress:
    target: Target
    actual: Decimal | int | None
    percent: Decimal | None  # actual as a share of the target value, × 100
    expected: Decimal | None  # the pace: target × elapsed share of the year (cumulative targets only)
    status: str
    colour: str  # a Bootstrap colour: success, warning, danger, secondary
    url: str | None  # the figure's drill-down page; None for manual targets
    note: str = ""

    @property
    def bar(self) -> int:
        return max(0, min(100, int(self.percent or 0)))

    @property
    def actual_text(self) -> str:
        return format_number(self.actual)

    @property
    def expected_text(self) -> str:
        return format_number(self.expected.quantize(Decimal("0.1"))) if self.expected is not None else "—"


def assess(target: Target, actual, share: Decimal, *, url: str | None = None, note: str = "") -> Progress:
    """Compare an actual with its target: % achieved, the pace, a status word and a colour."""
    value = target.value
    if actual is None:
        status = _("未填报") if target.is_manual else _("暂无数据")
        return Progress(target, None, None, None, status, "secondary", url, note)
    actual_d = Decimal(actual)
    percent = (actual_d * 100 / value).quantize(Decimal("0.1")) if value else None
    expected = None
    if target.comparison == Comparison.LTE:
        # A limit ("at most one skip-level petition"): on track while under it, whatever the date.
        status, colour = (_("控制在限额内"), "success") if actual_d <= value else (_("超出限额"), "danger")
    elif target.is_rate:
        # A rate does not accumulate over the year, so it is judged as it stands, not against a pace.
        if actual_d >= value:
            status, colour = _("达标"), "success"
        else:
            status, colour = (_("未达标"), "danger") if share >= 1 else (_("尚未达标"), "warning")
    else:
        expected = value * share
        if target.comparison == Comparison.EQ and actual_d > value:
            status, colour = _("超过目标值"), "warning"
        elif actual_d >= value:
            status, colour = _("已完成"), "success"
        elif share >= 1:
            status, colour = _("未完成"), "danger"
        elif actual_d >= expected:
            status, colour = _("进度正常"), "success"
        elif actual_d >= expected * SLOW:
            status, colour = _("进度稍慢"), "warning"
        else:
            status, colour = _("进度滞后"), "danger"
    if percent is None and actual_d == 0:
        percent = Decimal(100)
    return Progress(target, actual, percent, expected, status, colour, url, note)


def _manual_actual(target: Target) -> tuple[Decimal | None, str, str]:
    """A manual target's actual, a note saying where it comes from, and a status for a split
    target with no actual ("" otherwise).

    Not split: what the unit typed. Split: a count is the sum of what the units below typed
    ("乡镇已报5/6，为已报乡镇合计"); a rate is never added up or averaged, so it is the unit's own typed
    figure, shown beside the range of what the units below reported ("30%～36%").
    """
    # Only a unit's own targets are split (once, to the level below): a split never has splits.
    splits = [] if target.parent_id else list(target.splits.all())
    if not splits:
        return target.actual, "", ""
    reported = [s.actual for s in splits if s.actual is not None]
    # Splits go to the townships (split_units), so "乡镇" is the word the county uses for them.
    done = _("乡镇已报%(n)s/%(total)s") % {"n": len(reported), "total": len(splits)}
    if not reported:
        if target.is_rate and target.actual is not None:
            return target.actual, _("本级填报；%(done)s") % {"done": done}, ""
        return None, "", done
    if not target.is_rate:
        return sum(reported, Decimal(0)), _("%(done)s，为已报乡镇合计") % {"done": done}, ""
    unit = target.unit_text
    low, high = format_number(min(reported)), format_number(max(reported))
    spread = f"{low}{unit}" if low == high else f"{low}{unit}～{high}{unit}"
    if target.actual is not None:
        return target.actual, _("本级填报；%(done)s，各乡镇%(spread)s") % {"done": done, "spread": spread}, ""
    note = _("%(done)s，各乡镇%(spread)s；比率不能相加或平均，本级数请另行填报") % {"done": done, "spread": spread}
    return None, note, done


def targets_of(plan: Plan) -> QuerySet:
    return plan.targets.select_related("actual_by", "parent__plan__unit").prefetch_related(
        Prefetch("splits", queryset=Target.objects.select_related("plan__unit").order_by("plan__unit__path")))


def progress_for(targets: list[Target], unit: OrgUnit, year: int, today: datetime.date | None = None,
                 user=None) -> list[Progress]:
    """Target, actual, %, pace and colour for each target of one unit's plan: one compute call.
    A figure links to its records only when `user` may open them."""
    today = today or timezone.localdate()
    period = Period("year", year)
    share = elapsed_share(year, today)
    keys = [t.metric_key for t in targets if t.metric is not None]
    values = metrics.compute(keys, [unit], period) if keys else {}
    return [_progress(target, unit, values, share, period, user) for target in targets]


def _progress(target: Target, unit: OrgUnit, values: dict, share: Decimal, period: Period, user) -> Progress:
    if target.is_manual:
        actual, note, status = _manual_actual(target)
        progress = assess(target, actual, share, note=note)
        progress.status = status or progress.status
        return progress
    if target.metric is None:
        return assess(target, None, share, note=_("该统计指标已不存在"))
    url = metrics.figure_url(target.metric_key, unit, period, user) or None
    return assess(target, values[target.metric_key][unit.pk], share, url=url)


# --- plans ------------------------------------------------------------------------------------------

def plan_list(*, user, year: int | None = None) -> QuerySet:
    qs = scope(Plan.objects.all(), user, "view_plans").select_related("unit")
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "unit__path")


def get_plan_for_user(user, pk) -> Plan:
    return get_for_user(Plan.objects.select_related("unit"), user, pk, "view_plans")


def get_target_for_user(user, pk) -> Target:
    return get_for_user(Target.objects.select_related("plan__unit", "parent__plan__unit"), user, pk, "view_plans")


def plan_of(unit: OrgUnit, year: int) -> Plan | None:
    return Plan.objects.select_related("unit").filter(unit=unit, year=year).first()


def split_units(unit: OrgUnit, year: int) -> list[OrgUnit]:
    """The units a target of `unit` is split to: its townships (streets) that exist by the end
    of `year` and are not closed before it ends (a unit merged during the year gets no part)."""
    end = datetime.date(year, 12, 31)
    children = unit.children.filter(level=Level.TOWNSHIP).order_by("code")
    return [c for c in children if c.is_active_during(end, end)]


@dataclass
class CountyTable:
    targets: list[Target]  # the county's targets that were split, in plan order
    county_row: list[Progress]
    rows: list[tuple[OrgUnit, list[Progress | None]]]  # per township: its part of each target
    unbalanced: list[str]  # per target: the splits' sum when it no longer equals the target ("" if it does)


def county_table(plan: Plan, today: datetime.date | None = None, user=None) -> CountyTable:
    """Every township × every split target of a county plan, actuals computed in one call."""
    today = today or timezone.localdate()
    targets = [t for t in targets_of(plan).filter(parent__isnull=True) if t.splits.all()]
    townships: dict[int, OrgUnit] = {}
    for target in targets:
        for split in target.splits.all():
            townships.setdefault(split.plan.unit_id, split.plan.unit)
    units = sorted(townships.values(), key=lambda u: u.path)
    period = Period("year", plan.year)
    share = elapsed_share(plan.year, today)
    keys = [t.metric_key for t in targets if t.metric is not None]
    values = metrics.compute(keys, [plan.unit, *units], period) if keys else {}
    rows = []
    for unit in units:
        cells = []
        for target in targets:
            split = next((s for s in target.splits.all() if s.plan.unit_id == unit.pk), None)
            cells.append(_progress(split, unit, values, share, period, user) if split else None)
        rows.append((unit, cells))
    county_row = [_progress(target, plan.unit, values, share, period, user) for target in targets]
    unbalanced = []
    for target in targets:
        total = sum((s.value for s in target.splits.all()), Decimal(0))
        # The county may change a target after splitting it: say so until it is split again.
        unbalanced.append(format_number(total) if not target.is_rate and total != target.value else "")
    return CountyTable(targets, county_row, rows, unbalanced)
