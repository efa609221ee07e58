"""Reads: forms, one report's sheet, sums over a subtree, the status of a period, all scoped."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from banbiantian.core import metrics
from banbiantian.core.access import get_for_user, scope
from banbiantian.core.metrics import Period, figure_url
from banbiantian.core.models import LEVEL_RANK, OrgUnit

from .checks import Entry, evaluate, share_of
from .models import (
    LOCKED,
    NOT_STARTED,
    Cell,
    FormDefinition,
    Report,
    State,
    Status,
    Value,
    ValueType,
)


def get_report_for_user(user, pk, perm: str = "view_plans") -> Report:
    return get_for_user(Report.objects.select_related("form", "unit__parent"), user, pk, perm)


def report_list(*, user, unit=None, form=None, period_key=None):
    qs = scope(Report.objects.select_related("form", "unit"), user, "view_plans")
    if unit is not None:
        qs = qs.filter(unit=unit)
    if form is not None:
        qs = qs.filter(form=form)
    if period_key:
        qs = qs.filter(period_key=period_key)
    return qs


def approval_queue(*, user) -> list[tuple[tuple[FormDefinition, Period], list[Report]]]:
    """The reports waiting for the user's approval — submitted by the units directly below hers — grouped by
    form and period, oldest period first, units in code order. One query."""
    groups: dict[tuple[int, str], list[Report]] = defaultdict(list)
    for report in report_list(user=user).filter(status=Status.SUBMITTED, unit__parent=user.unit).order_by(
            "form__code", "period_key", "unit__code"):
        groups[(report.form_id, report.period_key)].append(report)
    return [((reports[0].form, reports[0].period), reports) for reports in groups.values()]


def absent_reports(form: FormDefinition, unit: OrgUnit, period: Period) -> list[Report]:
    """The reports below `unit` marked 未收到 for the form and period, with their reasons. One query (none
    for a unit with no level below it that fills the form)."""
    if not any(LEVEL_RANK[level] > LEVEL_RANK[unit.level] for level in form.level_list):
        return []
    return list(Report.objects.filter(form=form, period_key=period.key, status=Status.ABSENT,
                                      unit__path__startswith=unit.path).exclude(unit=unit)
                .select_related("unit").order_by("unit__code"))


@dataclass
class BelowRow:
    unit: OrgUnit
    report: Report | None
    reminder: object | None


def units_below(report: Report) -> list[BelowRow]:
    """The units at the next level down that owe this form and period, each with its report and the
    latest 催报: what the unit above chases. Queries: the units, their reports, the reminders."""
    from .models import Reminder

    form, unit, period = report.form, report.unit, report.period
    lower = [level for level in form.level_list if LEVEL_RANK[level] > LEVEL_RANK[unit.level]]
    if not lower:
        return []
    units = [u for u in OrgUnit.objects.filter(path__startswith=unit.path, level=lower[0]).order_by("code")
             if owes(form, u, period)]
    reports = {r.unit_id: r for r in Report.objects.filter(form=form, period_key=period.key, unit__in=units)}
    reminders = {r.unit_id: r for r in Reminder.objects.filter(form=form, period_key=period.key, unit__in=units)
                 .select_related("by").order_by("at", "id")}
    return [BelowRow(u, reports.get(u.pk), reminders.get(u.pk)) for u in units]


# --- periods ---------------------------------------------------------------------------------

def last_closed(kind: str, today: datetime.date) -> Period:
    """The latest period of this kind that has ended by `today` (the one being reported)."""
    return Period.of(kind, today).previous()


def recent_periods(kind: str, today: datetime.date, n: int = 8) -> list[Period]:
    """The current period and the n-1 before it, newest first."""
    period = Period.of(kind, today)
    out = [period]
    while len(out) < n:
        period = period.previous()
        out.append(period)
    return out


# How many periods of each form a unit's page lists (and the overdue checks look back over).
WINDOW = 4


def owes(form: FormDefinition, unit: OrgUnit, period: Period) -> bool:
    """Whether the unit owes the form's report for the period: it fills the form, existed during the
    period, and both the form (its start date) and the unit (its go-live date) were in use by the
    period's end — a period that ended before either is nobody's debt."""
    if unit.level not in form.level_list or not unit.is_active_during(period.start, period.end):
        return False
    starts = [d for d in (form.start_date, unit.owes_from) if d is not None]
    return all(period.end >= d for d in starts)


def due_periods(kind: str, today: datetime.date) -> list[Period]:
    """The ended periods of the window, newest first: each one not yet sent is still owed,
    and overdue once its deadline has passed."""
    return [p for p in recent_periods(kind, today, WINDOW) if p.end < today]


# --- one report --------------------------------------------------------------------------------

def to_decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _entry_of(value: Value | None) -> Entry | None:
    if value is None:
        return None
    return Entry(value.state, value.number, value.comment)


def _metric_entry(number) -> Entry:
    # A rate whose denominator is 0 has no value: nothing to compute, so 不适用 rather than 0.
    if number is None:
        return Entry(State.NOT_APPLICABLE)
    return Entry(State.NUMBER, Decimal(number))


def fill_computed(cells: list[Cell], entries: dict[str, Entry]) -> None:
    for cell in cells:
        if cell.computed:
            entries[cell.code] = _metric_entry(share_of(
                entries[cell.numerator].number if cell.numerator in entries else None,
                entries[cell.denominator].number if cell.denominator in entries else None))


def effective_entries(cells: list[Cell], stored: dict[int, Value], live: dict[str, Decimal | None],
                      *, follow: bool = True) -> dict[str, Entry]:
    """The figures of a report: what is stored, else today's metric for a metric-backed cell,
    else 未填报; shares with parts recomputed. While the report is being filled (`follow`), a
    stored value of a metric-backed cell that was not typed over only carries the cell's 说明:
    the figure is today's count."""
    entries = {}
    for cell in cells:
        value = stored.get(cell.pk)
        entry = _entry_of(value)
        if cell.code in live and (entry is None or (follow and not value.overridden)):
            entry = _metric_entry(live.get(cell.code))
            entry.comment = value.comment if value is not None else ""
        elif entry is None:
            entry = Entry()
        entries[cell.code] = entry
    fill_computed(cells, entries)
    return entries


def live_values(cells: list[Cell], units: list, period: Period) -> dict[int, dict[str, Decimal | None]]:
    """{unit.pk: {cell code: today's metric value}} for every metric-backed cell, one compute call."""
    backed = [c for c in cells if c.metric is not None]
    if not backed or not units:
        return {u.pk: {} for u in units}
    got = metrics.compute([c.metric_key for c in backed], units, period)
    return {u.pk: {c.code: to_decimal(got[c.metric_key][u.pk]) for c in backed} for u in units}


@dataclass
class Line:
    cell: Cell
    entry: Entry
    today: Decimal | None = None      # today's metric value (metric-backed cells)
    differs: bool = False             # submitted figure ≠ today's count
    previous: Decimal | None = None
    last_year: Decimal | None = None
    problems: list = field(default_factory=list)
    url: str = ""                     # drill-down of a metric-backed figure
    raw: str | None = None            # what was typed, when the page comes back with an error
    na: bool = False
    comment: str | None = None
    error: str = ""
    below: Entry | None = None        # the sum of what the units below sent


@dataclass
class Sheet:
    form: FormDefinition
    unit: OrgUnit
    period: Period
    report: Report | None
    lines: list[Line]
    problems: list
    history: list
    below: Summary | None = None

    @property
    def blocking(self):
        return [p for p in self.problems if p.blocking]


def _prior_numbers(form, unit, periods: list[Period]) -> dict[str, dict[str, Decimal | None]]:
    """{period key: {code: number}} from the unit's submitted or approved reports of those periods."""
    out: dict[str, dict[str, Decimal | None]] = {p.key: {} for p in periods}
    rows = Value.objects.filter(report__form=form, report__unit=unit, report__status__in=LOCKED,
                                report__period_key__in=[p.key for p in periods]).values_list(
        "report__period_key", "cell__code", "state", "number")
    for key, code, state, number in rows:
        out[key][code] = number if state == State.NUMBER else None
    return out


def sheet(*, form: FormDefinition, unit: OrgUnit, period: Period, report: Report | None, user=None) -> Sheet:
    """Everything the report page shows. Queries: cells, rules, stored values, history, the
    prior periods' reports, and one metrics.compute per period asked (today, last period, same
    period last year) for the metric-backed cells."""
    cells = list(form.cells.all())
    rules = list(form.rules.all())
    stored = {v.cell_id: v for v in report.values.all()} if report else {}
    live = live_values(cells, [unit], period)[unit.pk]
    entries = effective_entries(cells, stored, live, follow=report is None or report.editable)
    previous_period, last_year_period = period.previous(), period.same_last_year()
    prior_periods = list(dict.fromkeys([previous_period, last_year_period]))
    prior = _prior_numbers(form, unit, prior_periods)
    for p in prior_periods:
        missing_metric = any(c.metric is not None and c.code not in prior[p.key] for c in cells)
        if missing_metric:
            for code, number in live_values(cells, [unit], p)[unit.pk].items():
                prior[p.key].setdefault(code, number)
    previous, last_year = prior[previous_period.key], prior[last_year_period.key]
    problems = evaluate(rules, entries, previous, last_year)
    by_code = defaultdict(list)
    for problem in problems:
        for code in problem.codes:
            by_code[code].append(problem)
    lines = []
    locked = report is not None and report.status in LOCKED
    for cell in cells:
        entry = entries[cell.code]
        today = live.get(cell.code)
        stored_value = stored.get(cell.pk)
        differs = (locked and cell.code in live and stored_value is not None and not stored_value.overridden
                   and entry.number != today)
        lines.append(Line(cell, entry, today, differs, previous.get(cell.code), last_year.get(cell.code),
                          by_code.get(cell.code, []),
                          figure_url(cell.metric_key, unit, period, user) if cell.code in live else ""))
    history = list(report.changes.select_related("cell", "by")) if report else []
    below = None
    if any(LEVEL_RANK[level] > LEVEL_RANK[unit.level] for level in form.level_list):
        # What the units below sent, beside the unit's own figures (a township types its totals).
        below = summarise(form, [unit], period, cells, counted=False, own=False)[unit.pk]
        for line in lines:
            line.below = below.entries[line.cell.code]
    return Sheet(form, unit, period, report, lines, problems, history, below)


def submit_warnings(page: Sheet, today: datetime.date) -> list[str]:
    """What a unit should know before it sends the report upward: the period has not ended yet, or
    most of its figures are 未填报 (naming them). Each needs a second, deliberate 确认上报."""
    from django.utils.translation import gettext as _

    warnings = []
    if page.period.end >= today:
        warnings.append(_("报告期“%(p)s”尚未结束（%(end)s结束），现在上报，本期以后发生的情况将不会计入。") % {
            "p": page.period.label, "end": f"{page.period.end:%Y-%m-%d}"})
    fillable = [line for line in page.lines if not line.cell.computed]
    missing = [line for line in fillable if line.entry.state == State.MISSING]
    if fillable and len(missing) * 2 > len(fillable):
        warnings.append(_("共%(n)s项指标，其中%(m)s项未填报：%(cells)s。") % {
            "n": len(fillable), "m": len(missing),
            "cells": "、".join(f"{line.cell.code} {line.cell}" for line in missing)})
    return warnings


def layout(items):
    """The form's layout: each item (with `.cell`) at its row label and column label, rows in the
    order of their first cell. Consecutive rows with the same columns share one header, so a
    breakdown by age band reads as a small table and a plain figure as one value:
    [(column labels, [(row label, [item per column])])]."""
    rows: dict[str, dict[str, object]] = {}
    for item in items:
        rows.setdefault(item.cell.row_label, {})[item.cell.column_label] = item
    blocks: list[tuple[list[str], list]] = []
    for label, by_column in rows.items():
        columns = list(by_column)
        if not blocks or blocks[-1][0] != columns:
            blocks.append((columns, []))
        blocks[-1][1].append((label, [by_column[c] for c in columns]))
    return blocks


# --- sums over a subtree ---------------------------------------------------------------------------

def reporting_level(form: FormDefinition, unit: OrgUnit) -> str | None:
    """The level whose reports are summed for `unit`: the highest level below it that fills the
    form (a township's figure is the sum of its villages' reports), else its own."""
    rank = LEVEL_RANK[unit.level]
    below = [level for level in form.level_list if LEVEL_RANK[level] > rank]
    if below:
        return below[0]
    return unit.level if unit.level in form.level_list else None


class Source:
    """Where a summary's figures come from (said on the summary page)."""

    OWN = "own"            # the unit's own submitted or approved report
    BELOW = "below"        # the sum of the units below it, each counted the same way
    COUNTED = "counted"    # no report: today's count of the metric-backed cells only
    NONE = "none"          # nothing sent and nothing counted


@dataclass
class Summary:
    unit: OrgUnit
    entries: dict[str, Entry]
    reported: int = 0
    expected: int = 0
    metric_codes: set = field(default_factory=set)
    source: str = Source.NONE


def _combine(cells: list[Cell], parts: list[dict[str, tuple]]) -> dict[str, Entry]:
    """The entries of a list of reports (or counts): numbers added, 不适用 only where every
    part says so, a typed share only from a single report, shares with parts recomputed."""
    sums: dict[str, Decimal] = {}
    seen: dict[str, set] = defaultdict(set)
    for part in parts:
        for code, (state, number) in part.items():
            seen[code].add(state)
            if state == State.NUMBER:
                sums[code] = sums.get(code, Decimal(0)) + number
    entries = {}
    for cell in cells:
        if cell.computed:
            continue
        if cell.value_type == ValueType.SHARE:
            # A typed share cannot be added up; it stands only for a single report.
            single = parts[0].get(cell.code) if len(parts) == 1 else None
            entries[cell.code] = Entry(*single) if single and single[0] == State.NUMBER else Entry()
        elif cell.code in sums:
            entries[cell.code] = Entry(State.NUMBER, sums[cell.code])
        elif seen.get(cell.code) == {State.NOT_APPLICABLE}:
            entries[cell.code] = Entry(State.NOT_APPLICABLE)
        else:
            entries[cell.code] = Entry()
    fill_computed(cells, entries)
    return entries


def summarise(form: FormDefinition, units: list[OrgUnit], period: Period, cells: list[Cell] | None = None,
              *, counted: bool = True, own: bool = True) -> dict[int, Summary]:
    """{unit.pk: Summary} for the form and period. A unit's figures are, in this order:
    its own submitted or approved report (with `own`); else the sum of the units directly
    below it that take part in the form (those active during the period, so a village merged
    away later still counts for its earlier periods), each counted by the same rule; else,
    for a unit with nobody below (with `counted`), today's count of the metric-backed cells.
    So a total is always the sum of its rows, and a row is what that unit sent. Shares are
    recomputed from their summed parts. Queries: the units of the subtrees, the reports'
    values, one metrics.compute for the units counted."""
    cells = cells if cells is not None else list(form.cells.all())
    if not units:
        return {}
    deepest = max((LEVEL_RANK[level] for level in form.level_list), default=-1)
    prefix = _common_prefix([u.path for u in units])
    tree = {u.pk: u for u in OrgUnit.objects.filter(path__startswith=prefix).active_during(period.start, period.end)
            if LEVEL_RANK[u.level] <= deepest}
    tree |= {u.pk: u for u in units}
    children: dict[int, list[OrgUnit]] = defaultdict(list)
    for unit in sorted(tree.values(), key=lambda u: u.code):
        if unit.parent_id in tree:
            children[unit.parent_id].append(unit)
    sent: dict[str, dict[str, tuple]] = defaultdict(dict)
    for path, code, state, number in Value.objects.filter(
            report__form=form, report__period_key=period.key, report__status__in=LOCKED,
            report__unit__path__startswith=prefix).values_list("report__unit__path", "cell__code", "state", "number"):
        sent[path][code] = (state, number)

    def takes_part(unit) -> bool:
        return unit.level in form.level_list or any(takes_part(c) for c in children[unit.pk])

    def sources(unit, use_own=True) -> tuple[list, list]:
        """(parts, units to count today) of a unit."""
        if use_own and unit.path in sent:
            return [sent[unit.path]], []
        below = [c for c in children[unit.pk] if takes_part(c)]
        if below:
            parts, count = [], []
            for child in below:
                p, c = sources(child)
                parts += p
                count += c
            return parts, count
        return [], [unit] if counted and unit.level in form.level_list else []

    plans = {unit.pk: sources(unit, own) for unit in units}
    to_count = list({u.pk: u for _p, c in plans.values() for u in c}.values())
    live = live_values(cells, to_count, period) if to_count else {}
    out = {}
    for unit in units:
        parts, count = plans[unit.pk]
        parts = parts + [{code: live_pair(n) for code, n in live[u.pk].items()} for u in count]
        below = [c for c in children[unit.pk] if takes_part(c)]
        if own and unit.path in sent:
            source = Source.OWN
        elif below:
            source = Source.BELOW
        else:
            source = Source.COUNTED if count else Source.NONE
        reported = sum(1 for c in below if any(p.startswith(c.path) for p in sent))
        metric_codes = {c.code for c in cells if c.metric is not None} if count else set()
        out[unit.pk] = Summary(unit, _combine(cells, parts), reported, len(below), metric_codes, source)
    return out


def live_pair(number) -> tuple:
    """(state, number) of a counted figure: a rate with nothing to divide by is 不适用."""
    return (State.NOT_APPLICABLE, None) if number is None else (State.NUMBER, number)


def _common_prefix(paths: list[str]) -> str:
    return metrics._common_prefix(paths) if len(paths) > 1 else paths[0]


def trend(form: FormDefinition, unit: OrgUnit, period: Period, n: int = 8) -> list[tuple[Period, dict]]:
    """The form's figures for the unit over the n periods ending with `period`, oldest first."""
    cells = list(form.cells.all())
    periods = [period]
    while len(periods) < n:
        periods.append(periods[-1].previous())
    return [(p, summarise(form, [unit], p, cells)[unit.pk].entries) for p in reversed(periods)]


def comparison_units(form: FormDefinition, unit: OrgUnit, period: Period) -> list[OrgUnit]:
    """The units one level below that take part in the form, as they were during the period."""
    return [u for u in unit.children.active_during(period.start, period.end).order_by("code")
            if reporting_level(form, u) is not None]


# --- status of a period --------------------------------------------------------------------------

@dataclass
class StatusCell:
    unit: OrgUnit
    form: FormDefinition
    period: Period
    deadline: datetime.date
    report: Report | None
    label: str
    late: bool
    below: str = ""


def _status(form, unit, period, report, today) -> StatusCell:
    deadline = form.deadline(period)
    if report is None:
        return StatusCell(unit, form, period, deadline, None, str(NOT_STARTED), today > deadline)
    done = report.submitted_at is not None and report.status in LOCKED
    late = (done and report.submitted_at.date() > deadline) or (not done and today > deadline)
    return StatusCell(unit, form, period, deadline, report, report.get_status_display(), late)


def status_board(*, user, today: datetime.date):
    """Per unit one level below the user's and per active form, the status of the last closed
    period; and the overdue list over the whole subtree (every ended period of the window whose
    deadline has passed and that was not sent). Queries: forms, units in the subtree,
    the reports of those periods."""
    forms = list(FormDefinition.objects.filter(active=True))
    top = user.unit
    periods = {f.pk: last_closed(f.period_kind, today) for f in forms}
    units = list(OrgUnit.objects.filter(path__startswith=top.path).exclude(pk=top.pk))
    owed = {f.pk: due_periods(f.period_kind, today) for f in forms}
    keys = {p.key for p in periods.values()} | {p.key for ps in owed.values() for p in ps}
    reports = {(r.form_id, r.unit_id, r.period_key): r for r in
               Report.objects.filter(unit__path__startswith=top.path, period_key__in=keys, form__in=forms)}
    by_form_units: dict[int, list[OrgUnit]] = {}
    for form in forms:
        period = periods[form.pk]
        levels = form.level_list
        by_form_units[form.pk] = [u for u in units if u.level in levels and owes(form, u, period)]
    children = [u for u in units if u.parent_id == top.pk]
    rows = []
    for child in children:
        line = []
        for form in forms:
            period = periods[form.pk]
            if not child.is_active_during(period.start, period.end):
                line.append(None)
                continue
            if owes(form, child, period):
                cell = _status(form, child, period, reports.get((form.pk, child.pk, period.key)), today)
            else:
                cell = None
            below = [u for u in by_form_units[form.pk] if u.path.startswith(child.path) and u.pk != child.pk]
            if below:
                approved = sum(1 for u in below if getattr(reports.get((form.pk, u.pk, period.key)), "status", "")
                               == Status.APPROVED)
                cell = cell or StatusCell(child, form, period, form.deadline(period), None, "", False)
                cell.below = f"{approved}/{len(below)}"
            line.append(cell)
        if any(line):  # a unit that fills none of the forms (a unit committee) is left out
            rows.append((child, line))
    overdue = []
    for form in forms:
        for period in owed[form.pk]:
            if today <= form.deadline(period):
                continue
            for unit in units:
                if not owes(form, unit, period):
                    continue
                report = reports.get((form.pk, unit.pk, period.key))
                if report is None or report.status not in LOCKED:
                    overdue.append(_status(form, unit, period, report, today))
    overdue.sort(key=lambda s: (s.form.code, s.period.start, s.unit.path))
    return {"columns": [(f, periods[f.pk]) for f in forms], "rows": rows, "overdue": overdue}

