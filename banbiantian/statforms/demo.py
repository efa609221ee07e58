"""Demo reports of the built-in forms (called by core/demo.py after the other areas).

The quarterly 女性人力资源 form for the last three closed quarters — the oldest approved all
the way up, the next submitted and mostly approved, the latest in every state (not started,
draft, returned, submitted, approved, some late) — and the yearly forms for last year,
approved. Typed figures are stable per unit from period to period (small changes, so the
continuity rules hold) and keep the forms' own rules; metric-backed figures of a submitted
report are the metrics' values, frozen as on submission. Written with bulk_create (the audit
log holds no entry for them, as for the demo people), the metrics computed once per period for
all units.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from banbiantian.core.models import Level, OrgUnit, User
from banbiantian.core.roles import Role

from .checks import share_of
from .models import Event, FormDefinition, Report, RuleKind, State, Status, Value, ValueType
from .selectors import _active, last_closed, live_values

QUARTERLY, MONITOR, ORGANISATION = "妇统季1表", "妇统年1表", "妇统年2表"


def _typed_values(form, cells, rules, unit, rng, base: dict, drift: float) -> dict[str, Decimal]:
    """Figures for the typed cells of one report that keep the form's ≤ and sum rules."""
    values = {}
    for cell in cells:
        if cell.metric is not None or cell.computed:
            continue
        key = (unit.pk, cell.code)
        if key not in base:
            if cell.value_type == ValueType.SHARE:
                base[key] = Decimal(rng.randint(900, 1000)) / 10
            elif cell.value_type == ValueType.AMOUNT:
                base[key] = Decimal(rng.randint(2000, 30000))
            else:
                base[key] = Decimal(rng.randint(3, 60) * (6 if unit.level == Level.TOWNSHIP else 1))
        value = base[key]
        if cell.value_type != ValueType.SHARE:
            value = (value * Decimal(1 + drift)).quantize(Decimal(1))
        values[cell.code] = min(value, Decimal(100)) if cell.value_type == ValueType.SHARE else value
    for rule in rules:
        rights = [values.get(code) for code in rule.right_codes]
        if rule.left not in values or any(r is None for r in rights):
            continue
        if rule.kind == RuleKind.LE:
            values[rule.left] = min(values[rule.left], rights[0])
        elif rule.kind == RuleKind.SUM:
            values[rule.left] = sum(rights)
    return values


def seed(county, *, rng, today: datetime.date, log) -> str:
    forms = {f.code: f for f in FormDefinition.objects.filter(code__in=[QUARTERLY, MONITOR, ORGANISATION])}
    if not forms:
        return ""
    units = [u for u in OrgUnit.objects.filter(path__startswith=county.path, level__in=[Level.TOWNSHIP,
                                                                                          Level.VILLAGE])]
    fillers = {}
    for user in User.objects.filter(unit__in=units, role__in=[Role.TOWNSHIP_CHAIR, Role.VILLAGE_DIRECTOR]).order_by(
            "id"):
        fillers.setdefault(user.unit_id, user)
    approver = User.objects.filter(unit=county, role=Role.COUNTY_ADMIN).order_by("id").first()
    if approver is None:
        return ""
    by_pk = {u.pk: u for u in units}
    quarter = last_closed("quarter", today)
    year = last_closed("year", today)
    plan = []  # (form, period, stage) — stage 0: all approved, 1: mostly approved, 2: every state
    if QUARTERLY in forms:
        plan += [(forms[QUARTERLY], quarter.previous().previous(), 0), (forms[QUARTERLY], quarter.previous(), 1),
                 (forms[QUARTERLY], quarter, 2)]
    plan += [(forms[code], year, 0) for code in (MONITOR, ORGANISATION) if code in forms]
    now = timezone.now()
    made = {status: 0 for status in Status.values}
    base: dict = {}
    for form, period, stage in plan:
        if Report.objects.filter(form=form, period_key=period.key, unit__path__startswith=county.path).exists():
            continue
        cells = list(form.cells.all())
        rules = list(form.rules.all())
        filling = [u for u in units if u.level in form.level_list and _active(u, period) and u.pk in fillers]
        live = live_values(cells, filling, period)
        deadline = form.deadline(period)
        statuses = {}
        for unit in sorted(filling, key=lambda u: -len(u.path)):  # villages before their township
            roll = rng.random()
            if stage == 0:
                status = Status.APPROVED
            elif stage == 1:
                status = Status.APPROVED if roll < 0.85 else Status.SUBMITTED
            else:
                status = (None if roll < 0.15 else Status.DRAFT if roll < 0.35 else Status.RETURNED if roll < 0.45
                          else Status.SUBMITTED if roll < 0.8 else Status.APPROVED)
            if status == Status.APPROVED and unit.level == Level.TOWNSHIP:
                below = [s for u, s in statuses.items() if by_pk[u].parent_id == unit.pk]
                if any(s != Status.APPROVED for s in below):
                    status = Status.SUBMITTED
            statuses[unit.pk] = status
        reports, values, events = [], [], []
        for unit in filling:
            status = statuses[unit.pk]
            if status is None:
                continue
            user = fillers[unit.pk]
            late = rng.random() < 0.15
            submitted = datetime.datetime.combine(
                deadline + datetime.timedelta(days=rng.randint(1, 6) if late else -rng.randint(0, 8)),
                datetime.time(9 + rng.randint(0, 8), rng.randint(0, 59)), tzinfo=now.tzinfo)
            submitted = min(submitted, now)
            sent = status in (Status.SUBMITTED, Status.APPROVED, Status.RETURNED)
            approved = status == Status.APPROVED
            checker = approver if unit.level == Level.TOWNSHIP else fillers.get(unit.parent_id, approver)
            report = Report(form=form, unit=unit, period_key=period.key, status=status, version=2,
                            submitted_at=submitted if sent else None, submitted_by=user if sent else None,
                            approved_at=submitted + datetime.timedelta(days=2) if approved else None,
                            approved_by=checker if approved else None,
                            return_reason="请核实外出务工人数" if status == Status.RETURNED else "")
            typed = _typed_values(form, cells, rules, unit, rng, base, rng.uniform(-0.05, 0.05))
            reports.append((report, typed, status in (Status.SUBMITTED, Status.APPROVED)))
            if sent:
                events.append((report, Event.Kind.SUBMIT, submitted, user, ""))
            if status == Status.RETURNED:
                events.append((report, Event.Kind.RETURN, submitted + datetime.timedelta(days=1), checker,
                               "请核实外出务工人数"))
            if approved:
                events.append((report, Event.Kind.APPROVE, submitted + datetime.timedelta(days=2), checker, ""))
            made[status] += 1
        Report.objects.bulk_create([r for r, _t, _f in reports])
        for report, typed, frozen in reports:
            numbers = dict(typed)
            if frozen:
                numbers |= {code: v for code, v in live[report.unit_id].items()}
                for cell in cells:
                    if cell.computed:
                        numbers[cell.code] = share_of(numbers.get(cell.numerator), numbers.get(cell.denominator))
            for cell in cells:
                if cell.code in numbers:
                    number = numbers[cell.code]
                    values.append(Value(report=report, cell=cell, state=State.NUMBER if number is not None else
                                        State.NOT_APPLICABLE, number=number))
        Value.objects.bulk_create(values, batch_size=2000)
        Event.objects.bulk_create([Event(report=r, kind=k, at=at, by=by, reason=reason)
                                   for r, k, at, by, reason in events], batch_size=2000)
    total = sum(made.values())
    if not total:
        return ""
    return (f"统计报表：{total} 份（已审核 {made[Status.APPROVED]}、已上报 {made[Status.SUBMITTED]}、"
            f"已退回 {made[Status.RETURNED]}、草稿 {made[Status.DRAFT]}）")
