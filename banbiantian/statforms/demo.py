"""Demo reports of the built-in forms (called by banbiantian/demo/county.py after the other areas).

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
from .selectors import last_closed, live_values, sheet

QUARTERLY, MONITOR, ORGANISATION = "妇统季1表", "妇统年1表", "妇统年2表"


# Plausible typed figures for one village (a township's are scaled by its number of villages):
# (low, high) drawn once per unit and kept from period to period with a small drift, or
# (cell, low share, high share) of another cell, or a share (%) range for a typed share.
PLAUSIBLE = {
    "B1": (60, 160), "B2": (50, 140), "B3": (40, 120),
    "C1": ("B1", 0.3, 0.6), "C2": ("B2", 0.2, 0.5), "C3": ("B3", 0.1, 0.3),
    "D1": (5, 30), "D2": ("D1", 0.3, 0.8),
    "M1": (20, 60), "M2": ("M1", 0.4, 0.6), "M3": ("M1", 0.4, 0.6), "M4": (0.5, 4.0),
    "N1": (5, 7), "N2": ("N1", 0.2, 0.45), "N4": ("N2", 0.0, 0.4), "P3": (98.0, 100.0),
    "Q1": (0, 2), "Q2": ("Q1", 0.0, 0.5), "R1": (5, 25), "R2": (0, 3),
    "H2": (1, 1), "H3": (0, 1), "H4": (0, 1),
    "J1": (7, 15), "J2": ("J1", 0.1, 0.4), "J3": ("J1", 0.2, 0.6), "J4": (1, 2), "L1": (2, 10),
    "L2": (2000, 30000),
}
# At most this many per village (a village has one director, one federation).
CAP = {"N4": 1, "H2": 1}
# Rare events, drawn per township report and not scaled: maternal and infant deaths.
RARE = {"P1": [0] * 19 + [1], "P2": [0, 0, 0, 1, 1, 2]}
COMMENT = "本期人口变动较大（集中登记、迁入迁出），已核实。"


def _typed_values(form, cells, rules, unit, rng, base: dict, drift: float, scale: int = 1) -> dict[str, Decimal]:
    """Figures for the typed cells of one report, plausible for a unit of `scale` villages,
    keeping the form's ≤ and sum rules."""
    values: dict[str, Decimal] = {}
    typed = [c for c in cells if c.metric is None and not c.computed]
    codes = {c.code for c in typed}

    def draw(cell) -> Decimal:
        key = (unit.pk, cell.code)
        spec = PLAUSIBLE.get(cell.code)
        if cell.code in RARE:
            return Decimal(rng.choice(RARE[cell.code]))
        if cell.value_type == ValueType.SHARE:
            low, high = spec if spec else (95.0, 100.0)
            base.setdefault(key, Decimal(rng.randint(int(low * 10), int(high * 10))) / 10)
            return min(base[key], Decimal(100))
        if spec and isinstance(spec[0], str) and spec[0] in codes:
            whole = values[spec[0]] if spec[0] in values else draw(next(c for c in typed if c.code == spec[0]))
            base.setdefault(key, Decimal(str(round(rng.uniform(spec[1], spec[2]), 3))))
            value = (whole * base[key]).quantize(Decimal(1), rounding="ROUND_FLOOR")
        else:
            low, high = spec if spec and not isinstance(spec[0], str) else (3, 30)
            base.setdefault(key, Decimal(rng.randint(int(low), int(high)) * scale))
            value = (base[key] * Decimal(1 + drift)).quantize(Decimal(1))
        if cell.code in CAP:
            value = min(value, Decimal(CAP[cell.code] * scale))
        return value

    for cell in typed:
        if cell.code not in values:
            values[cell.code] = draw(cell)
    for rule in rules:
        rights = [values.get(code) for code in rule.right_codes]
        if rule.left not in values or any(r is None for r in rights):
            continue
        if rule.kind == RuleKind.LE:
            values[rule.left] = min(values[rule.left], rights[0])
        elif rule.kind == RuleKind.SUM:
            values[rule.left] = sum(rights)
    return values


def _explain_changes(reports) -> None:
    """A unit whose figure moved more than a continuity rule allows says why, as a user must."""
    for report in reports:
        page = sheet(form=report.form, unit=report.unit, period=report.period, report=report)
        codes = {p.rule.left for p in page.problems if p.needs_explanation}
        if codes:
            Value.objects.filter(report=report, cell__code__in=codes).update(comment=COMMENT)


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
    villages: dict[int, int] = {}
    for u in units:
        if u.level == Level.VILLAGE and u.is_active_during(today, today):
            villages[u.parent_id] = villages.get(u.parent_id, 0) + 1
    quarter = last_closed("quarter", today)
    year = last_closed("year", today)
    plan = []  # (form, period, stage) — stage 0: all approved, 1: mostly approved, 2: every state
    if QUARTERLY in forms:
        plan += [(forms[QUARTERLY], quarter.previous().previous(), 0), (forms[QUARTERLY], quarter.previous(), 1),
                 (forms[QUARTERLY], quarter, 2)]
    plan += [(forms[code], year, 0) for code in (MONITOR, ORGANISATION) if code in forms]
    # The demo county started sending its forms through the product with the oldest period seeded here:
    # its units went live then, so the periods before it are not listed as owed.
    went_live = min(period.start for _form, period, _stage in plan) if plan else today
    OrgUnit.objects.filter(path__startswith=county.path, live_from__isnull=True).exclude(
        active_to__lt=went_live).update(live_from=went_live)
    now = timezone.now()
    made = {status: 0 for status in Status.values}
    base: dict = {}
    for form, period, stage in plan:
        if Report.objects.filter(form=form, period_key=period.key, unit__path__startswith=county.path).exists():
            continue
        cells = list(form.cells.all())
        rules = list(form.rules.all())
        filling = [u for u in units if u.level in form.level_list and u.is_active_during(period.start, period.end) and u.pk in fillers]
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
            scale = villages.get(unit.pk, 1) if unit.level == Level.TOWNSHIP else 1
            typed = _typed_values(form, cells, rules, unit, rng, base, rng.uniform(-0.05, 0.05), scale)
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
        _explain_changes([r for r, _t, frozen in reports if frozen])
        Event.objects.bulk_create([Event(report=r, kind=k, at=at, by=by, reason=reason)
                                   for r, k, at, by, reason in events], batch_size=2000)
    total = sum(made.values())
    if not total:
        return ""
    return (f"统计报表：{total} 份（已审核 {made[Status.APPROVED]}、已上报 {made[Status.SUBMITTED]}、"
            f"已退回 {made[Status.RETURNED]}、草稿 {made[Status.DRAFT]}）")
