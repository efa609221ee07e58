"""Query counts of every rights list, fixed whatever the number of rows.

Every page pays 3 queries before the view runs: the session, the user, and the user's unit.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from banbiantian.conftest import make_person
from banbiantian.rights import services
from banbiantian.rights.models import Visit

BASE = 3


@pytest.fixture
def fill(personas, new_case, tree, dv_category):
    def _fill(n):
        today = timezone.localdate()
        for i in range(n):
            person = make_person(tree.village_a, f"王{i}")
            case = new_case(personas.chair, person, received_on=today - datetime.timedelta(days=20 + i))
            # a repeat petitioner each (same matter), never accepted: overdue
            new_case(personas.chair, person, received_on=today - datetime.timedelta(days=16 + i), same_matter_as=case)
            case = services.case_accept(by=personas.chair, case=case, on=case.received_on)
            services.case_refer(by=personas.chair, case=case, agency="court", receiving_unit="县法院", referred_on=today)
            dv = new_case(personas.chair, person, category=dv_category, skip_level=True)
            Visit.objects.create(case=dv, due_on=today)
            services.screening_report(by=personas.chair, unit=tree.village_a if i % 2 else tree.village_b,
                                      month=today - datetime.timedelta(days=31 * i), none_found=True)
    return _fill


@pytest.mark.parametrize("n", [3, 9])
def test_case_list(n, fill, personas, login, django_assert_num_queries):
    fill(n)
    client = login(personas.chair)
    # count; the page of cases with unit, category and petitioner; the categories of the filter; the one
    # access entry naming the family-violence victims shown
    with django_assert_num_queries(BASE + 4):
        assert client.get(reverse("rights:home")).status_code == 200


@pytest.mark.parametrize("n", [3, 9])
def test_due_list(n, fill, personas, login, django_assert_num_queries):
    fill(n)
    client = login(personas.chair)
    # overdue count; overdue page; due soon; pending referrals; pending visits; protection orders
    with django_assert_num_queries(BASE + 6):
        assert client.get(reverse("rights:due")).status_code == 200


@pytest.mark.parametrize("n", [3, 9])
def test_repeats(n, fill, personas, login, django_assert_num_queries):
    fill(n)
    client = login(personas.county)
    # skip-level cases; repeat petitioners
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("rights:repeats"))
    assert response.content.decode().count("查看人员</a>") == n


@pytest.mark.parametrize("n", [3, 9])
def test_stats(n, fill, personas, login, django_assert_num_queries):
    fill(n)
    client = login(personas.county)
    # every metric's total (one aggregate); by channel and category; the categories; unit choices of the form
    with django_assert_num_queries(BASE + 4):
        assert client.get(reverse("rights:stats")).status_code == 200


@pytest.mark.parametrize("n", [3, 9])
def test_register_book(n, fill, personas, login, django_assert_num_queries):
    fill(n)
    client = login(personas.chair)
    # the cases with unit, category and petitioner; the export's audit entry; unit choices of the form
    with django_assert_num_queries(BASE + 3):
        assert client.get(reverse("rights:register_book")).status_code == 200


@pytest.mark.parametrize("n", [3, 9])
def test_screening(n, fill, personas, login, django_assert_num_queries):
    fill(n)
    client = login(personas.chair)
    # the month's reports; the villages of the subtree; the village choices of the form
    with django_assert_num_queries(BASE + 3):
        assert client.get(reverse("rights:screening")).status_code == 200


@pytest.mark.parametrize("n", [3, 9])
def test_case_detail(n, fill, personas, login, django_assert_num_queries, new_case):
    fill(n)
    from banbiantian.rights.models import Case

    case = Case.objects.filter(status="accepted").first()
    for _ in range(n):
        services.mediation_add(by=personas.chair, case=case, held_on=timezone.localdate(), mediators="张",
                               parties="双方", agreement_reached=False)
    client = login(personas.chair)
    # the case with its relations; the access-log entry; referrals; mediations; visits; attachments;
    # the unit's policy; the directors it may be handed to; the village follow-ups; the timeline with actors
    with django_assert_num_queries(BASE + 10):
        assert client.get(reverse("rights:detail", args=[case.pk])).status_code == 200


@pytest.mark.parametrize("n", [3, 9])
def test_dashboard_panel(n, fill, personas, django_assert_num_queries):
    fill(n)
    from banbiantian.rights.dashboard import rights_panel

    # cases per handling unit (overdue, high-risk, open) with the unit's path; the child units
    with django_assert_num_queries(2):
        rights_panel(personas.county)


# The queries of each export: the cases (one query, streamed), the audit entry; the case list also counts
# its rows first (a large one goes to the worker); the due export adds one per section, the screening
# export the villages.
EXPORTS = {"rights:home_xlsx": 3, "rights:due_xlsx": 6, "rights:repeats_xlsx": 3, "rights:screening_xlsx": 3}


@pytest.mark.parametrize("n", [3, 9])
@pytest.mark.parametrize("name", list(EXPORTS))
def test_exports_do_not_grow_with_rows(name, n, fill, personas, login, django_assert_num_queries):
    fill(n)
    client = login(personas.county)
    with django_assert_num_queries(BASE + EXPORTS[name]):
        response = client.get(reverse(name))
        assert len(b"".join(response.streaming_content)) > 0
