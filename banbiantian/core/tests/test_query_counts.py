"""Query counts are pinned on every list page and the dashboard, and must not grow with the rows.

Every page pays 3 queries before the view runs: the session, the user, and the user's unit
(shown in the navbar).
"""

import pytest
from django.urls import reverse

from banbiantian.conftest import make_person
from banbiantian.people import services
from banbiantian.people.models import GroupMembership, SpecialGroup

BASE = 3  # session, user, user's unit


def _fill(tree, personas, per_village):
    group = SpecialGroup.objects.first()
    for unit in (tree.village_a, tree.village_b, tree.village_c):
        for i in range(per_village):
            person = make_person(unit, f"王秀{i}")
            GroupMembership.objects.create(person=person, group=group)
            services.person_reveal_id_number(by=personas.county, person=person)  # an audit row each


@pytest.mark.parametrize("per_village", [1, 9])
def test_people_list(per_village, tree, personas, login, django_assert_num_queries):
    _fill(tree, personas, per_village)
    client = login(personas.county)
    # count of people; unit choices of the filter; special groups of the filter; the page of people
    with django_assert_num_queries(BASE + 4):
        response = client.get(reverse("people:home"))
    assert response.status_code == 200 and "王秀0" in response.content.decode()


@pytest.mark.parametrize("per_village", [1, 9])
def test_people_list_htmx_fragment(per_village, tree, personas, login, django_assert_num_queries):
    _fill(tree, personas, per_village)
    client = login(personas.county)
    # only the results are rendered: count + the page (empty filters need no choices query)
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("people:home"), {"q": "wx"}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode() and "王秀0" in response.content.decode()


@pytest.mark.parametrize("per_village", [1, 9])
def test_person_detail(per_village, tree, personas, login, django_assert_num_queries):
    _fill(tree, personas, per_village)
    person = make_person(tree.village_a, "李桂兰")
    services.household_create(by=personas.county, head=person)
    client = login(personas.county)
    # the person with unit/household/guardian; her memberships; the groups of the add form; household members
    with django_assert_num_queries(BASE + 4):
        assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200


@pytest.mark.parametrize("per_village", [1, 9])
def test_user_list(per_village, tree, personas, login, django_assert_num_queries):
    from banbiantian.core.models import User

    for i in range(per_village * 3):
        User.objects.create_user(username=f"u{i}", unit=tree.village_a, role="viewer")
    client = login(personas.county)
    # count of users; unit choices of the filter; the page of users with their units; which of them are locked
    with django_assert_num_queries(BASE + 4):
        assert client.get(reverse("users:list")).status_code == 200


@pytest.mark.parametrize("per_village", [1, 9])
def test_audit_list(per_village, tree, personas, login, django_assert_num_queries):
    _fill(tree, personas, per_village)
    client = login(personas.county)
    # count of entries; the page of entries with actor and unit
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("audit:list"))
    assert "查看敏感信息" in response.content.decode()


def test_org_tree(tree, personas, login, django_assert_num_queries):
    client = login(personas.county)
    # the units of the subtree
    with django_assert_num_queries(BASE + 1):
        assert client.get(reverse("org:tree")).status_code == 200


@pytest.mark.parametrize("per_village", [1, 9])
def test_people_dashboard_panel(per_village, tree, personas, django_assert_num_queries):
    from banbiantian.people.dashboard import people_panel

    _fill(tree, personas, per_village)
    # people totals; current members per group; the groups; child units; people per unit;
    # the paths of those units for the roll-up
    with django_assert_num_queries(6):
        panel = people_panel(personas.county)
    assert panel["cards"][0]["value"] == 3 * per_village


def test_dashboard_queries_do_not_grow_with_rows(tree, personas, login):
    """Each area pins its own panel; the whole page must cost the same for 3 rows or 27."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(personas.county)
    counts = []
    for per_village in (1, 8):
        _fill(tree, personas, per_village)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("dashboard")).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]
