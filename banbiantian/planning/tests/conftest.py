import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from banbiantian.conftest import make_person
from banbiantian.core import metrics
from banbiantian.core.metrics import RATE, Metric
from banbiantian.people.models import GroupMembership, Person, SpecialGroup
from banbiantian.planning import services
from banbiantian.planning.models import Comparison, Target

YEAR = 2026


@pytest.fixture
def share_metric():
    """A rate for the tests: left-behind women among registered women."""
    metric = Metric("test.left_behind_share", "留守妇女占比", "%", "people", kind=RATE,
                    numerator="people.group.left_behind_women", denominator="people.women")
    metrics._registry[metric.key] = metric
    yield metric
    metrics._registry.pop(metric.key)


@pytest.fixture
def planning(tree, personas, share_metric):
    """Women: 3 in village A (one left-behind), 1 in village B, 2 in 西岭村.
    The county plan: women ≥ 60 split 40/20, a manual "publicity events ≥ 4" split 2/2, and a
    rate target; 东塘镇 adds its own "left-behind women ≥ 2"."""
    born = datetime.date(1980, 5, 1)
    a1 = make_person(tree.village_a, "甲", birth=born)
    make_person(tree.village_a, "乙", birth=born)
    make_person(tree.village_a, "丙", birth=born)
    make_person(tree.village_b, "丁", birth=born)
    make_person(tree.village_c, "戊", birth=born)
    make_person(tree.village_c, "己", birth=born)
    # Registered early in the plan's year, so the figures are the same whatever day the tests
    # pretend it is (a running year's stock is taken as of today).
    Person.objects.update(created_at=timezone.make_aware(datetime.datetime(YEAR, 1, 5, 9)))
    left = SpecialGroup.objects.get(code="left_behind_women")
    GroupMembership.objects.create(person=a1, group=left, start_date=datetime.date(2025, 1, 1))
    county = personas.county
    county_plan = services.plan_create(by=county, unit=tree.county, year=YEAR)
    women = services.target_create(by=county, plan=county_plan,
        metric_key="people.women", comparison=Comparison.GTE, value="60", sort=1)
    services.target_split(by=county, target=women, mode="manual",
                          values={tree.township.pk: "40", tree.other_township.pk: "20"})
    events = services.target_create(by=county, plan=county_plan,
        label="大型宣传活动", measure_unit="场", comparison=Comparison.GTE, value="4", sort=2)
    services.target_split(by=county, target=events, mode="even")
    rate = services.target_create(by=county, plan=county_plan,
        metric_key="test.left_behind_share", comparison=Comparison.LTE, value="30", sort=3)
    township_plan = county_plan.__class__.objects.get(unit=tree.township, year=YEAR)
    own = services.target_create(by=personas.chair, plan=township_plan,
        metric_key="people.group.left_behind_women", comparison=Comparison.GTE, value="2", sort=4)
    return type("Planning", (), dict(
        county_plan=county_plan, township_plan=township_plan, women=women, events=events, rate=rate, own=own,
        women_split=Target.objects.get(parent=women, plan=township_plan),
        events_split=Target.objects.get(parent=events, plan=township_plan),
        today=datetime.date(YEAR, 7, 2), value=Decimal,
    ))
