"""The metrics registry: every countable thing the system records, by name.

An area app declares its metrics in its own `metrics.py` module, found by Django's
`autodiscover_modules("metrics")` (called once from CoreConfig.ready), with `register(Metric(...))`. Plans, targets,
statistical forms, reports and the year-end summary ask this module for figures and never
count records themselves, so a figure is defined once.

A metric's value is always for an org unit *and everything below it* over a period
(inclusive dates). Counts and amounts are additive: a county's value is the sum of its
townships' values, because each record is counted under exactly one unit. Rates are never
computed from other rates: a rate metric names an additive numerator and denominator and is
numerator / denominator × 100 for whatever unit is asked.

Every metric says what a figure for a period counts (`basis`), and is held to it by the tests
(core/tests/test_metric_basis.py): FLOW, the events dated within the period; STOCK, what stood
at the period's end or on a day of it; both stay put once the period is over, whatever is
recorded later. TO_DATE counts the period's records as they stand today (a later follow-up
still changes a finished period's figure) and its label says so (至今).
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

COUNT, AMOUNT, RATE = "count", "amount", "rate"

# What a figure for a period counts (Metric.basis).
FLOW = "flow"          # events dated within the period: received, given, held … on a day of it
STOCK = "stock"        # what stood at the period's end (期末在册) or on a day of it (期内在册), taken at
                       # the period's end, or today while the period runs
TO_DATE = "to_date"    # the period's records as they stand today (至今): moves after the period ends
BASES = {FLOW: _("期内发生"), STOCK: _("期末/期内在册"), TO_DATE: _("至今")}
TO_DATE_WORD = "至今"  # a TO_DATE metric's label says it, no other metric's does
BASIS_NOTES = {  # what a figure's page says about it
    FLOW: _("按发生日期计入统计期：期间结束后，以后登记的记录不会改变这个数字。"),
    STOCK: _("按统计期末（本期尚未结束的按今日）或期内在册的情况计：期间结束后不再改变。"),
    TO_DATE: _("按至今的情况计：期后的随访、重新评估等仍会改变已结束期间的这个数字。"),
}


# --- periods -------------------------------------------------------------------------------

PERIOD_TYPES = {
    "month": _("月报"),
    "quarter": _("季报"),
    "half": _("半年报"),
    "year": _("年报"),
}


@dataclass(frozen=True)
class Period:
    """A reporting period: a kind ("month", "quarter", "half", "year"), a year and its number
    within the year (month 1–12, quarter 1–4, half 1–2, year 1)."""

    kind: str
    year: int
    number: int = 1

    def __post_init__(self):
        limit = {"month": 12, "quarter": 4, "half": 2, "year": 1}.get(self.kind)
        if limit is None or not 1 <= self.number <= limit:
            raise ValueError(f"bad period {self.kind} {self.year} {self.number}")

    @classmethod
    def of(cls, kind: str, day: datetime.date) -> Period:
        """The period of this kind that contains `day`."""
        month_index = day.month - 1
        number = {"month": day.month, "quarter": month_index // 3 + 1, "half": month_index // 6 + 1, "year": 1}[kind]
        return cls(kind, day.year, number)

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "half": 6, "year": 12}[self.kind]

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, (self.number - 1) * self.months + 1, 1)

    @property
    def end(self) -> datetime.date:
        last_month = self.number * self.months
        return datetime.date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def key(self) -> str:
        """A stable text form, e.g. "2026-Q2", "2026-M03", "2026-H1", "2026"."""
        return {"month": f"{self.year}-M{self.number:02d}", "quarter": f"{self.year}-Q{self.number}",
                "half": f"{self.year}-H{self.number}", "year": str(self.year)}[self.kind]

    @classmethod
    def parse(cls, key: str) -> Period:
        year, _sep, rest = key.partition("-")
        if not rest:
            return cls("year", int(year))
        kind = {"M": "month", "Q": "quarter", "H": "half"}[rest[0]]
        return cls(kind, int(year), int(rest[1:]))

    @property
    def label(self) -> str:
        return {"month": f"{self.year}年{self.number}月", "quarter": f"{self.year}年第{self.number}季度",
                "half": f"{self.year}年{'上' if self.number == 1 else '下'}半年", "year": f"{self.year}年"}[self.kind]

    def previous(self) -> Period:
        if self.number > 1:
            return Period(self.kind, self.year, self.number - 1)
        return Period(self.kind, self.year - 1, 12 // self.months)

    def same_last_year(self) -> Period:
        return Period(self.kind, self.year - 1, self.number)

    def __str__(self) -> str:
        return self.label


# --- metrics -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Metric:
    """One countable thing.

    key          "area.name", e.g. "rights.cases_received"; stable, stored in plans and forms.
    label        Chinese label shown to users.
    unit         Chinese unit of measure: 人, 件, 次, 元, 户, 个, % …
    area         the label of the declared area it belongs to ("people", "rights", "care" …).
    kind         COUNT or AMOUNT (additive) or RATE (numerator / denominator × 100).
    values       additive metrics: (units, period) -> {unit.pk: value}, each unit's value over
                 its whole subtree. Use `subtree_values` to write it as one grouped query.
    numerator, denominator   rate metrics: keys of two additive metrics.
    records      (user, unit, period) -> QuerySet of the records the figure counts, within
                 what `user` may see and masked as the area masks them (for drill-down: a
                 figure opens the list behind it). For a rate, the numerator's records.
    columns      ((Chinese header, callable(record) -> text), ...) for that list; a record
                 with get_absolute_url() links to its own page.
    link         optional callable(record) -> URL of the record's own page, for records
                 without get_absolute_url().
    permission   the named permission needed to open those records.
    basis        FLOW, STOCK or TO_DATE (see BASES): whether a finished period's figure stays put
                 (FLOW, STOCK) or still moves as the period's records are followed up (TO_DATE,
                 whose label says 至今). A rate's basis is TO_DATE when a part's is.
    """

    key: str
    label: str
    unit: str
    area: str
    kind: str = COUNT
    values: Callable[[list, Period], dict] | None = None
    numerator: str | None = None
    denominator: str | None = None
    records: Callable | None = None
    columns: tuple = ()
    permission: str | None = None
    help_text: str = ""
    link: Callable | None = None
    basis: str = ""

    @property
    def additive(self) -> bool:
        return self.kind in (COUNT, AMOUNT)

    @property
    def period_bounded(self) -> bool:
        """A finished period's figure stays put: it counts nothing recorded after the period."""
        return self.basis in (FLOW, STOCK)


_registry: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    if metric.kind == RATE:
        assert metric.numerator and metric.denominator and metric.values is None, metric.key
    else:
        assert metric.kind in (COUNT, AMOUNT) and metric.values is not None, metric.key
    assert metric.basis in BASES, f"metric {metric.key} must declare its basis (FLOW, STOCK or TO_DATE)"
    assert (TO_DATE_WORD in str(metric.label)) == (metric.basis == TO_DATE), (
        f"metric {metric.key}: a TO_DATE label says {TO_DATE_WORD}, no other label does")
    if metric.kind == RATE:
        parts = [_registry.get(metric.numerator), _registry.get(metric.denominator)]
        assert all(parts), f"rate {metric.key}: register its numerator and denominator first"
        moving = any(part.basis == TO_DATE for part in parts)
        assert moving == (metric.basis == TO_DATE), f"rate {metric.key}: TO_DATE exactly when a part is"
    if metric.key in _registry and _registry[metric.key] != metric:
        raise ValueError(f"metric {metric.key} registered twice")
    _registry[metric.key] = metric
    return metric


def unregister(key: str) -> None:
    """Forget a metric (an area uninstalled, as a test does with its stub area)."""
    _registry.pop(key, None)


def get(key: str) -> Metric:
    """The metric named `key`; KeyError for an unknown key."""
    return _registry[key]


def all_metrics() -> list[Metric]:
    return list(_registry.values())


def permissions(key: str) -> set[str]:
    """The named permissions needed to open the records behind a figure of metric `key`: the
    metric's own and, for a rate, its numerator's (whose records are listed)."""
    metric = get(key)
    source = get(metric.numerator) if metric.kind == RATE else metric
    return {source.permission, metric.permission} - {None}


def can_open(key: str, user) -> bool:
    """Whether `user` may open the records behind a figure of metric `key`: a page shows the
    figure to everyone who sees it, but links it to its records only when this holds."""
    return user is not None and all(user.has_perm_name(perm) for perm in permissions(key))


def choices() -> list[tuple[str, str]]:
    """(key, "label（unit）") pairs, grouped by area, for a select."""
    return [(m.key, f"{m.label}（{m.unit}）") for m in sorted(_registry.values(), key=lambda m: (m.area, m.key))]


# --- computing ------------------------------------------------------------------------------

def _rate(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def compute(keys: Iterable[str], units: list, period: Period) -> dict[str, dict[int, int | Decimal | None]]:
    """{metric key: {unit.pk: value}} for every key and unit; one grouped query per additive
    metric (and per depth of unit asked), rates from their numerator and denominator."""
    keys = list(dict.fromkeys(keys))
    needed: list[str] = []
    for key in keys:
        metric = get(key)
        needed += [metric.numerator, metric.denominator] if metric.kind == RATE else [key]
    raw: dict[str, dict[int, int | Decimal]] = {}
    for key in dict.fromkeys(needed):
        found = get(key).values(units, period) if units else {}
        raw[key] = {unit.pk: found.get(unit.pk, 0) for unit in units}
    result = {}
    for key in keys:
        metric = get(key)
        if metric.kind == RATE:
            result[key] = {unit.pk: _rate(raw[metric.numerator][unit.pk], raw[metric.denominator][unit.pk])
                           for unit in units}
        else:
            result[key] = raw[key]
    return result


def value(key: str, unit, period: Period):
    """One metric for one unit (and its subtree) and period."""
    return compute([key], [unit], period)[key][unit.pk]


def subtree_values(queryset: QuerySet, unit_path: str, units: list, aggregate=None) -> dict[int, int | Decimal]:
    """Aggregate `queryset` per unit subtree: {unit.pk: value}.

    `unit_path` is the lookup of the record's unit path (e.g. "unit__path" or
    "person__unit__path"); `aggregate` defaults to Count("pk") (pass Sum(...) for amounts,
    Count("person", distinct=True) for people). Units of the same depth are done in one
    query grouped by the path prefix; a record is counted once under each unit asked whose
    subtree holds it.
    """
    aggregate = aggregate if aggregate is not None else Count("pk")
    within = _within_factory(unit_path)
    by_length: dict[int, list] = defaultdict(list)
    for unit in units:
        by_length[len(unit.path)].append(unit)
    result: dict[int, int | Decimal] = {}
    for length, group in by_length.items():
        by_path = {unit.path: unit.pk for unit in group}
        if len(group) == 1:
            (path, pk), = by_path.items()
            total = queryset.filter(within(path)).aggregate(v=aggregate)["v"]
            result[pk] = total or 0
            continue
        common = _common_prefix(list(by_path))
        # Grouping needs the unit's path, so the unit is joined anyway. When the records carry
        # the unit themselves, "unit IN subtree" still lets SQLite read them by the unit index
        # (a county's women: 1,000 → 300 ms); through further joins (a visit's pairing's
        # person's unit) the path condition on the joined unit plans better.
        condition = within(common) if unit_path.count("__") == 1 else Q(**{f"{unit_path}__startswith": common})
        rows = (
            queryset.filter(condition)
            .annotate(_prefix=Substr(F(unit_path), 1, length))
            .filter(_prefix__in=list(by_path))
            .order_by()
            .values("_prefix")
            .annotate(v=aggregate)
            .values_list("_prefix", "v")
        )
        for prefix, total in rows:
            result[by_path[prefix]] = total or 0
    return result


def _within_factory(unit_path: str):
    """path -> the condition "the record's unit is in the subtree at path".

    Said as "unit id IN (the subtree's unit ids)" rather than "the joined unit's path LIKE
    'path%'": SQLite then reads only the subtree's records through the index on the unit
    foreign key instead of scanning the whole table and joining every row (560 ms → 4 ms for
    a township's women on the 300,000-person county, 18 → 2 ms for its pairing visits).
    """
    from .models import OrgUnit

    if not unit_path.endswith("__path"):
        return lambda path: Q(**{f"{unit_path}__startswith": path})
    unit = unit_path[: -len("__path")]
    return lambda path: Q(**{f"{unit}__in": OrgUnit.objects.filter(path__startswith=path).values("id")})


def _common_prefix(paths: list[str]) -> str:
    """The longest whole-unit path prefix that all paths share ("" if none)."""
    first, last = min(paths), max(paths)
    i = 0
    while i < len(first) and first[i] == last[i]:
        i += 1
    return first[: first.rfind("/", 0, i) + 1] if i < len(first) else first


# --- the drill-down page ---------------------------------------------------------------------

# A figure's page (core.views_figures.figure) lists the records it counts. It is served at
# /planning/figures/<key>/, the address every link and bookmark already uses, under this name.
FIGURE_URL_NAME = "planning:figure"


def figure_url(key: str, unit, period: Period, user=None) -> str:
    """The drill-down page of one figure (the records it counts) for `unit` and `period`, if
    `user` may open those records — no link that would answer 403, none without a user — and a
    page serves figures here; "" otherwise."""
    from django.urls import NoReverseMatch, reverse
    from django.utils.http import urlencode

    if not can_open(key, user):
        return ""
    try:
        return reverse(FIGURE_URL_NAME, args=[key]) + "?" + urlencode({"unit": unit.pk, "period": period.key})
    except NoReverseMatch:
        return ""


def drill_units(children: list, period: Period, values: dict[int, object]) -> list:
    """Of a unit's `children`, those a figure's page lists for `period`: the ones active on any
    day of it, and a closed (merged) one only while it still has something counted in the
    period, so its earlier records are shown where they count."""
    return [c for c in children if c.is_active_during(period.start, period.end) or values.get(c.pk)]
