"""Every additive metric registered, by any area, adds up over the tree; every rate is a rate
of two additive metrics. Run on a small demo county that every area seeds with its records."""

import pytest
from django.utils import timezone

from banbiantian.core import metrics
from banbiantian.core.metrics import RATE, Period
from banbiantian.core.models import OrgUnit
from banbiantian.demo import county as demo


@pytest.fixture
def county(db):
    demo.build(townships=3, villages=3, people=400, seed=7)
    return OrgUnit.objects.get(code=demo.COUNTY_CODE)


def _periods():
    today = timezone.localdate()
    return [Period("year", today.year), Period.of("quarter", today), Period("year", today.year - 1)]


def test_every_additive_metric_adds_up_over_the_tree(county):
    children = list(county.children.all())
    grandchildren = list(OrgUnit.objects.filter(parent__in=children))
    units = [county, *children, *grandchildren]
    additive = [m.key for m in metrics.all_metrics() if m.additive]
    assert additive
    nonzero = set()
    for period in _periods():
        got = metrics.compute(additive, units, period)
        for key in additive:
            values = got[key]
            assert values[county.pk] == sum(values[c.pk] for c in children), (key, period)
            for child in children:
                below = [g for g in grandchildren if g.parent_id == child.pk]
                if below:
                    assert values[child.pk] >= sum(values[g.pk] for g in below), (key, period, child)
            # Grouped over many units, or asked for one: the same figure.
            assert metrics.value(key, children[0], period) == values[children[0].pk], key
            if values[county.pk]:
                nonzero.add(key)
    # The demo is not empty: the registry's stock figures at least have something to add up.
    assert {"people.persons", "people.women", "people.households"} <= nonzero


def test_every_rate_names_two_additive_metrics():
    for metric in metrics.all_metrics():
        if metric.kind == RATE:
            assert metrics.get(metric.numerator).additive and metrics.get(metric.denominator).additive, metric.key


def test_every_metric_can_be_drilled_into(county):
    from banbiantian.core.models import User

    admin = User.objects.get(username="county_admin")
    period = Period("year", timezone.localdate().year)
    for metric in metrics.all_metrics():
        assert metric.label and metric.unit and metric.area, metric.key
        source = metrics.get(metric.numerator) if metric.kind == RATE else metric
        if source.records is None:
            continue
        rows = list(source.records(admin, county, period)[:3])
        for row in rows:
            for _header, cell in source.columns:
                assert cell(row) is not None, metric.key
