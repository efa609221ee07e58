"""The metrics registry's floor: periods, grouping per subtree, rates from additive parts."""

import datetime
from decimal import Decimal

import pytest

from banbiantian.conftest import make_person
from banbiantian.core import metrics
from banbiantian.core.metrics import RATE, Metric, Period
from banbiantian.core.models import Level, OrgUnit
from banbiantian.people.models import Person


def test_periods():
    q = Period("quarter", 2026, 1)
    assert (q.start, q.end) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert q.previous() == Period("quarter", 2025, 4)
    assert q.same_last_year() == Period("quarter", 2025, 1)
    assert Period("month", 2024, 2).end == datetime.date(2024, 2, 29)
    assert Period("half", 2026, 2).start == datetime.date(2026, 7, 1)
    assert Period.of("quarter", datetime.date(2026, 8, 15)) == Period("quarter", 2026, 3)
    for period in (q, Period("month", 2026, 11), Period("half", 2026, 1), Period("year", 2026)):
        assert Period.parse(period.key) == period
    assert Period("quarter", 2026, 2).label == "2026年第2季度"
    with pytest.raises(ValueError):
        Period("quarter", 2026, 5)


@pytest.fixture
def women_metric():
    def values(units, period):
        born = Person.objects.filter(birth_date__range=(period.start, period.end))
        return metrics.subtree_values(born, "unit__path", units)

    metric = Metric("test.born", "出生人数", "人", "people", values=values)
    metrics._registry[metric.key] = metric
    rate = Metric("test.born_share", "出生占比", "%", "people", kind=RATE,
                  numerator="test.born", denominator="test.all")
    everyone = Metric("test.all", "人数", "人", "people",
                      values=lambda units, period: metrics.subtree_values(Person.objects.all(), "unit__path", units))
    metrics._registry[rate.key] = rate
    metrics._registry[everyone.key] = everyone
    yield metric
    for key in ("test.born", "test.born_share", "test.all"):
        metrics._registry.pop(key)


def test_subtree_values_and_rates(tree, women_metric):
    in_2026 = datetime.date(2026, 5, 1)
    make_person(tree.village_a, birth=in_2026)
    make_person(tree.village_a, birth=in_2026)
    make_person(tree.village_b, birth=in_2026)
    make_person(tree.village_b, birth=datetime.date(2025, 5, 1))
    make_person(tree.village_c, birth=in_2026)
    year = Period("year", 2026)
    units = [tree.county, tree.township, tree.other_township, tree.village_a, tree.village_b, tree.village_c]
    got = metrics.compute(["test.born", "test.born_share"], units, year)
    born = got["test.born"]
    assert born == {tree.county.pk: 4, tree.township.pk: 3, tree.other_township.pk: 1,
                    tree.village_a.pk: 2, tree.village_b.pk: 1, tree.village_c.pk: 1}
    # The county equals the sum over its townships; a rate is recomputed, not averaged.
    assert born[tree.county.pk] == born[tree.township.pk] + born[tree.other_township.pk]
    share = got["test.born_share"]
    assert share[tree.county.pk] == Decimal("80.0")
    assert share[tree.township.pk] == Decimal("75.0")
    assert share[tree.village_c.pk] == Decimal("100.0")
    empty = OrgUnit.objects.create(code="330122201002", name="新村", level=Level.VILLAGE, parent=tree.other_township)
    assert metrics.value("test.born_share", empty, year) is None  # nobody there: no rate, not 0
    assert metrics.value("test.born", tree.township, Period("year", 2025)) == 1
