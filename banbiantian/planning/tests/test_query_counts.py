"""Pinned query counts: no page runs a query per target, per township or per record."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banbiantian.conftest import make_person
from banbiantian.planning import services

from .conftest import YEAR

TODAY = datetime.date(YEAR, 7, 2)


def _get(client, url):
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# Every page: session (1), user (1), the user's unit for the layout (1).
# plan: the plan (1), targets (1), their splits (1), one grouped query per distinct metric (2),
#   the townships it could be split to (1) = 9
# townships: the plan, targets, splits (3), the one split metric for the county (1) and for all
#   townships grouped together (1) = 8
# figure (people.women, 东塘镇): the unit (1), its children (1), the figure for the unit and for
#   its children (1 per depth: 2), the page's count and records (2) = 9
# home: the year's plans with their target counts (1) = 4
PAGES = [
    ("plan", lambda p, t: reverse("planning:plan", args=[p.township_plan.pk]), 9),
    ("townships", lambda p, t: reverse("planning:townships", args=[p.county_plan.pk]), 8),
    ("figure", lambda p, t: reverse("planning:figure", args=["people.women"]) + f"?unit={t.township.pk}", 9),
    ("home", lambda p, t: reverse("planning:home"), 4),
]


@pytest.mark.parametrize("name, url, expected", PAGES, ids=[p[0] for p in PAGES])
def test_query_counts_do_not_grow_with_rows(name, url, expected, planning, tree, personas, login):
    client = login(personas.county if name in ("townships", "home") else personas.chair)
    first = _get(client, url(planning, tree))
    assert first == expected, f"{name}: {first} queries"
    # More of everything: targets on the same metrics, manual targets, splits, people.
    for _ in range(4):
        services.target_create(by=personas.chair, plan=planning.township_plan,
            metric_key="people.group.left_behind_women", comparison="gte", value="1")
        services.target_create(by=personas.chair, plan=planning.township_plan,
            label="巾帼示范村", measure_unit="个", comparison="gte", value="1")
        manual = services.target_create(by=personas.county, plan=planning.county_plan,
            label="大型宣传活动", measure_unit="场", comparison="gte", value="4")
        services.target_split(by=personas.county, target=manual, mode="even")
        make_person(tree.village_b, "庚", birth=datetime.date(1980, 1, 1))
    assert _get(client, url(planning, tree)) == expected
