"""Running totals per unit and period, kept by the care services in the same transaction.

A county's statistics for a year would otherwise aggregate 100,000 benefits joined to the
people table (seconds on SQLite); read from here they are a handful of rows. Every benefit and
screening result adds to a row for its person's unit *and each unit above it*, for each of the
four periods that contain its date (year, half, quarter, month), so any unit and any period is
one indexed lookup. Enrolment statuses and open pairings (by the day of their last contact, so
"overdue" is a key range) are current-state counts (period "-"), moved by each write.

"People" figures count a person once per period: a benefit adds to people_reached (and to the
person's special groups, as they stand on that day) only if she had no earlier-recorded benefit
in that period; likewise per programme kind, programme and fund source. Records are counted
under the person's unit when recorded; `rebuild()` recomputes everything from the records (by
the current units, in the order recorded), e.g. after a bulk load or a person moving village.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from banbiantian.core.metrics import COUNT, Period
from banbiantian.core.models import OrgUnit

from .models import LIVE, NOT_VOIDED, Benefit, Enrolment, Pairing, Result, ScreeningResult, Tally

ALL = "-"  # the period of current-state counts (enrolment statuses)
KINDS = ("year", "half", "quarter", "month")
SCREENING_KEYS = ("screened", "screened_cervical", "screened_breast", "screening_abnormal", "screening_confirmed",
                  "screening_followed_up")


def period_keys(day: datetime.date) -> list[str]:
    return [Period.of(kind, day).key for kind in KINDS]


class Counter:
    """Deltas by (unit id, period key, key), written with `save()`."""

    def __init__(self):
        self.deltas: dict[tuple[int, str, str], Decimal] = defaultdict(Decimal)
        self.sign = 1  # -1 while taking records back out (a correction, a void, a counter-entry)

    def add(self, unit_id: int, periods, key: str, amount=1) -> None:
        if amount is None:
            return
        for period in periods:
            self.deltas[(unit_id, period, key)] += self.sign * Decimal(amount)

    def save(self, *, fresh: bool = False) -> None:
        """Add the deltas to each unit's row and to those of the units above it (`fresh`: the
        table is empty, write the rows without looking for existing ones)."""
        chains = _chains({unit_id for unit_id, _p, _k in self.deltas})
        totals: dict[tuple[int, str, str], Decimal] = defaultdict(Decimal)
        for (unit_id, period, key), delta in self.deltas.items():
            if delta:
                for ancestor in chains[unit_id]:
                    totals[(ancestor, period, key)] += delta
        self.deltas.clear()
        if not totals:
            return
        if fresh:
            Tally.objects.bulk_create([Tally(unit_id=u, period=p, key=k, value=v) for (u, p, k), v in totals.items()],
                                      batch_size=2000)
            return
        units = {u for u, _p, _k in totals}
        periods = {p for _u, p, _k in totals}
        keys = {k for _u, _p, k in totals}
        with transaction.atomic():
            existing = {(t.unit_id, t.period, t.key): t for t in Tally.objects.select_for_update().filter(
                unit_id__in=units, period__in=periods, key__in=keys)}
            changed, new = [], []
            for ident, delta in totals.items():
                row = existing.get(ident)
                if row is None:
                    new.append(Tally(unit_id=ident[0], period=ident[1], key=ident[2], value=delta))
                else:
                    row.value += delta
                    changed.append(row)
            Tally.objects.bulk_update(changed, ["value"], batch_size=500)
            Tally.objects.bulk_create(new, batch_size=1000)


def _chains(unit_ids) -> dict[int, list[int]]:
    """{unit id: [its id and the ids of every unit above it]} from the materialised paths."""
    paths = dict(OrgUnit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    codes = {code for path in paths.values() for code in path.strip("/").split("/")}
    by_code = dict(OrgUnit.objects.filter(code__in=codes).values_list("code", "pk"))
    return {pk: [by_code[c] for c in path.strip("/").split("/") if c in by_code] for pk, path in paths.items()}


# ---- benefits ----------------------------------------------------------------------------------

BENEFIT_FIELDS = ("pk", "person_id", "person__unit_id", "given_on", "programme_id", "programme__kind", "fund_source",
                  "cash", "goods_value", "fund_id")


def _marks(programme_id, kind, source):
    return ("all", ("kind", kind), ("programme", programme_id), ("source", source))


def _count_benefit(counter: Counter, row, seen: dict, groups_on) -> None:
    _pk, person_id, unit_id, day, programme_id, kind, source, cash, goods, fund_id = row
    for period in period_keys(day):
        marks = seen.setdefault((person_id, period), set())
        first = {mark for mark in _marks(programme_id, kind, source) if mark not in marks}
        marks |= first
        p = (period,)
        counter.add(unit_id, p, "benefits_given")
        counter.add(unit_id, p, "benefit_cash", cash)
        counter.add(unit_id, p, "benefit_goods_value", goods)
        if fund_id:
            counter.add(unit_id, p, "benefit_cash_from_funds", cash)
        for prefix in (f"programme:{programme_id}", f"source:{source}"):
            counter.add(unit_id, p, f"{prefix}:times")
            counter.add(unit_id, p, f"{prefix}:cash", cash)
            counter.add(unit_id, p, f"{prefix}:goods", goods)
        if "all" in first:
            counter.add(unit_id, p, "people_reached")
            for group_id in groups_on(person_id, day):
                counter.add(unit_id, p, f"group:{group_id}:people")
        if ("kind", kind) in first:
            counter.add(unit_id, p, f"people_reached_{kind}")
        if ("programme", programme_id) in first:
            counter.add(unit_id, p, f"programme:{programme_id}:people")
        if ("source", source) in first:
            counter.add(unit_id, p, f"source:{source}:people")


def _memberships(person_ids=None):
    from banbiantian.people.models import GroupMembership

    rows = GroupMembership.objects.all()
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    by_person: dict[int, list] = defaultdict(list)
    for person_id, group_id, start, end in rows.values_list("person_id", "group_id", "start_date", "end_date"):
        by_person[person_id].append((group_id, start, end))

    def groups_on(person_id, day):
        return {g for g, start, end in by_person.get(person_id, ()) if start <= day and (end is None or end >= day)}

    return groups_on


def benefits_added(benefits: list[Benefit]) -> None:
    """Count newly written benefits (one, or a holiday round's) against what each person already had."""
    ids = [b.pk for b in benefits]
    rows = list(Benefit.objects.filter(pk__in=ids).order_by("pk").values_list(*BENEFIT_FIELDS))
    people = {r[1] for r in rows}
    years = {r[3].year for r in rows}
    seen: dict = {}
    earlier = Benefit.objects.filter(LIVE, person_id__in=people, given_on__year__in=years).exclude(pk__in=ids).values_list(
        "person_id", "given_on", "programme_id", "programme__kind", "fund_source")
    for person_id, day, programme_id, kind, source in earlier:
        for period in period_keys(day):
            seen.setdefault((person_id, period), set()).update(_marks(programme_id, kind, source))
    counter = Counter()
    groups_on = _memberships(people)
    for row in rows:
        _count_benefit(counter, row, seen, groups_on)
    counter.save()


def person_benefit_rows(person_id: int, years) -> list:
    """The live benefits of one person in these years, in the order recorded: what her figures count."""
    return list(Benefit.objects.filter(LIVE, person_id=person_id, given_on__year__in=set(years)).order_by("pk")
                .values_list(*BENEFIT_FIELDS))


def benefits_recounted(before: list, after: list) -> None:
    """One person's benefits changed (one was cancelled by a counter-entry): take her old counts out of
    the totals and put the new ones in, so "people" figures stay exact."""
    counter = Counter()
    person_ids = {r[1] for r in before} | {r[1] for r in after}
    groups_on = _memberships(person_ids)
    for sign, rows in ((-1, before), (1, after)):
        counter.sign = sign
        seen: dict = {}
        for row in rows:
            _count_benefit(counter, row, seen, groups_on)
    counter.save()


# ---- screening and enrolments -------------------------------------------------------------------

def _count_screening(counter: Counter, unit_id, day, cervical, breast, result, follow_up) -> None:
    periods = period_keys(day)
    abnormal = result != Result.NORMAL
    for key, counts in zip(SCREENING_KEYS, (True, cervical, breast, abnormal, result == Result.CONFIRMED,
                                            abnormal and bool(follow_up)), strict=True):
        if counts:
            counter.add(unit_id, periods, key)


SCREENING_FIELDS = ("person__unit_id", "campaign__date", "cervical", "breast", "result", "follow_up")


def screening_added(result: ScreeningResult) -> None:
    counter = Counter()
    _count_screening(counter, *ScreeningResult.objects.filter(pk=result.pk).values_list(*SCREENING_FIELDS).get())
    counter.save()


def screening_row(result: ScreeningResult) -> tuple:
    """What the totals count of a result now (read before correcting it, to take it back out)."""
    return ScreeningResult.objects.filter(pk=result.pk).values_list(*SCREENING_FIELDS).get()


def screening_changed(before: tuple | None, after: tuple | None) -> None:
    """A result corrected (before → after) or voided (after None)."""
    counter = Counter()
    for sign, row in ((-1, before), (1, after)):
        if row is not None:
            counter.sign = sign
            _count_screening(counter, *row)
    counter.save()


def status_key(programme_id, status) -> str:
    return f"programme:{programme_id}:status:{status}"


def _count_enrolment(counter: Counter, unit_id, programme_id, status, amount=1) -> None:
    counter.add(unit_id, (ALL,), status_key(programme_id, status), amount)
    counter.add(unit_id, (ALL,), f"enrolments:status:{status}", amount)


def enrolment_moved(enrolment: Enrolment, from_status: str | None, to_status: str) -> None:
    counter = Counter()
    unit_id = enrolment.person.unit_id
    if from_status:
        _count_enrolment(counter, unit_id, enrolment.programme_id, from_status, -1)
    _count_enrolment(counter, unit_id, enrolment.programme_id, to_status)
    counter.save()


# ---- open pairings by the day of their last contact (start or visit) -----------------------------

def contact_key(day: datetime.date) -> str:
    return f"pairing_contact:{day.isoformat()}"  # ISO dates sort as text: "before a day" is a key range


def pairing_moved(unit_id: int, old_contact: datetime.date | None, new_contact: datetime.date | None) -> None:
    """A pairing opened (None → start), was visited (last contact → visit day) or ended (→ None)."""
    counter = Counter()
    if old_contact:
        counter.add(unit_id, (ALL,), contact_key(old_contact), -1)
    if new_contact:
        counter.add(unit_id, (ALL,), contact_key(new_contact))
    counter.save()


def now_counts(unit, overdue_before: datetime.date) -> dict[str, int]:
    """Open pairings, those with no contact since `overdue_before`, and applications waiting for a
    decision, for the unit and everything below it: one indexed read."""
    rows = Tally.objects.filter(unit=unit, period=ALL).filter(
        Q(key__startswith="pairing_contact:") | Q(key__in=["enrolments:status:applied", "enrolments:status:reviewing"])
    ).values_list("key", "value")
    cutoff = contact_key(overdue_before)
    counts = {"active": 0, "overdue": 0, "waiting": 0}
    for key, value in rows:
        if key.startswith("enrolments:"):
            counts["waiting"] += int(value)
        else:
            counts["active"] += int(value)
            counts["overdue"] += int(value) if key < cutoff else 0
    return counts


# ---- reading ------------------------------------------------------------------------------------

def values(key: str, kind: str):
    """A metric's `values` function reading the running totals: {unit.pk: value}."""

    def read(units, period):
        rows = Tally.objects.filter(unit__in=[u.pk for u in units], period=period.key, key=key).values_list(
            "unit_id", "value")
        return {pk: int(v) if kind == COUNT else v for pk, v in rows}

    return read


def for_unit(unit, period_keys_: list[str]) -> dict[tuple[str, str], Decimal]:
    """Every running total of one unit for these periods: {(period, key): value}."""
    rows = Tally.objects.filter(unit=unit, period__in=period_keys_).values_list("period", "key", "value")
    return {(p, k): v for p, k, v in rows}


# ---- rebuilding from the records ----------------------------------------------------------------

@transaction.atomic
def rebuild() -> int:
    """Recompute every running total from the records; returns the number of rows written."""
    Tally.objects.all().delete()
    counter = Counter()
    groups_on = _memberships()
    seen: dict = {}
    current = None
    rows = Benefit.objects.filter(LIVE).order_by("person_id", "pk").values_list(*BENEFIT_FIELDS)
    for row in rows.iterator(chunk_size=5000):
        if row[1] != current:  # "people" marks are per person: keep only the current one's
            seen, current = {}, row[1]
        _count_benefit(counter, row, seen, groups_on)
    for row in ScreeningResult.objects.filter(NOT_VOIDED).values_list(*SCREENING_FIELDS).iterator(chunk_size=5000):
        _count_screening(counter, *row)
    for unit_id, programme_id, status in Enrolment.objects.values_list("person__unit_id", "programme_id", "status"
                                                                        ).iterator(chunk_size=5000):
        _count_enrolment(counter, unit_id, programme_id, status)
    for unit_id, day in Pairing.objects.filter(end_date__isnull=True).values_list(
            "beneficiary__unit_id", "last_contact_on").iterator(chunk_size=5000):
        counter.add(unit_id, (ALL,), contact_key(day))
    counter.save(fresh=True)
    return Tally.objects.count()
