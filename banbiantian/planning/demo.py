"""The demo county's plan for this year: the seed documents' kinds of targets, split to the
townships, a few manually reported ones with actuals typed by the township chairs, and one
township's own targets. Runs after the areas have seeded their records (banbiantian.demo.county.seed_areas, after every other area: demo_after = ("*",)),
so computed targets are set around what the demo county has actually recorded."""

import math
from decimal import Decimal

from banbiantian.core import metrics
from banbiantian.core.metrics import Period
from banbiantian.core.models import User
from banbiantian.core.roles import Role

from . import selectors, services
from .models import Comparison, SplitMode

# (metric key or manual label, measure unit, comparison, value per township, split mode, basis).
# From the seeds: "pair 5 poor mothers", "at most 1 skip-level petition", "a 100% handling rate",
# "train no fewer than 230", "2 large publicity events", "平安家庭 creation rate 30%".
COUNTY_TARGETS = [
    ("care.poor_mothers_paired", "", Comparison.GTE, 5, SplitMode.EVEN, ""),
    ("rights.cases_skip_level", "", Comparison.LTE, 1, SplitMode.EVEN, ""),
    ("rights.handled_rate", "", Comparison.RATE_GTE, 100, SplitMode.SAME, ""),
    ("care.screened", "", Comparison.GTE, 300, SplitMode.PROPORTIONAL, "people.women"),
    ("care.people_reached", "", Comparison.GTE, 120, SplitMode.PROPORTIONAL, "people.women"),
    ("people.women_new", "", Comparison.GTE, 40, SplitMode.PROPORTIONAL, "people.women"),
    ("培训农村妇女", "人", Comparison.GTE, 230, SplitMode.EVEN, ""),
    ("大型宣传活动", "场", Comparison.GTE, 2, SplitMode.EVEN, ""),
    ("平安家庭创建率", "%", Comparison.RATE_GTE, 30, SplitMode.SAME, ""),
]
TOWNSHIP_OWN = [
    ("care.pairing_visits", "", Comparison.GTE, 60),
    ("发现树立先进典型", "人", Comparison.GTE, 5),
]


def _value(key: str, per_township: int, n: int, county, period: Period, share: Decimal, rng) -> Decimal:
    """A county total: around the year's pace of what is recorded, or the seed figure × townships."""
    metric = metrics.get(key)
    if metric.kind == metrics.RATE:
        return Decimal(per_township)
    total = per_township * n
    actual = metrics.value(key, county, period)
    if actual and share > 0:
        total = max(n, math.ceil(Decimal(actual) / share * Decimal(str(rng.uniform(0.8, 1.3)))))
    return Decimal(total)


def seed(county, *, rng, today, log) -> str:
    year = today.year
    admin = User.objects.filter(unit=county, role=Role.COUNTY_ADMIN).first()
    townships = selectors.split_units(county, year)
    if admin is None or not townships:
        return ""
    chairs = {u.unit_id: u for u in User.objects.filter(unit__in=townships, role=Role.TOWNSHIP_CHAIR)}
    period = Period("year", year)
    share = selectors.elapsed_share(year, today)
    plan = services.plan_create(by=admin, unit=county, year=year)
    n = len(townships)
    made = manual = 0
    for sort, (key, measure, comparison, per_township, mode, basis) in enumerate(COUNTY_TARGETS, start=1):
        registered = key in {m.key for m in metrics.all_metrics()}
        if "." in key and not registered:
            continue  # an area not installed
        if registered:
            data = {"metric_key": key, "value": _value(key, per_township, n, county, period, share, rng)}
        else:
            total = per_township if comparison == Comparison.RATE_GTE else per_township * n
            data = {"label": key, "measure_unit": measure, "value": total}
        target = services.target_create(by=admin, plan=plan, **data, comparison=comparison, sort=sort)
        if mode == SplitMode.PROPORTIONAL and not any(metrics.compute([basis], townships, period)[basis].values()):
            mode = SplitMode.EVEN  # a county with no one registered yet (seed_demo --people 0): nothing to weigh by
        splits = services.target_split(by=admin, target=target, mode=mode, basis=basis)
        made += 1
        if not registered:
            manual += 1
            for split in splits:
                chair = chairs.get(split.plan.unit_id)
                if chair is None or rng.random() < 0.2:
                    continue  # not reported yet
                typed = split.value * (share if comparison != Comparison.RATE_GTE else 1)
                typed = min(split.value * 2, typed * Decimal(str(rng.uniform(0.5, 1.3))))
                services.target_report_actual(by=chair, target=split, actual=typed.quantize(Decimal(1)))
    first = townships[0]
    chair = chairs.get(first.pk)
    if chair is not None:
        own = selectors.plan_of(first, year)
        for sort, (key, measure, comparison, value) in enumerate(TOWNSHIP_OWN, start=50):
            if "." in key and key not in {m.key for m in metrics.all_metrics()}:
                continue
            data = {"metric_key": key} if "." in key else {"label": key, "measure_unit": measure}
            services.target_create(by=chair, plan=own, **data, comparison=comparison, value=value, sort=sort)
    return f"年度计划：{county.name}{year}年计划 {made} 项目标（其中手工填报 {manual} 项），已分解到 {n} 个乡镇(街道)。"
