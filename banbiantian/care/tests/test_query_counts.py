"""Query counts pinned on every care list: they must not grow with the rows.

Every page pays 3 queries before the view runs (session, user, user's unit) and the care
pages 0 more for the navigation.
"""

import datetime

import pytest
from django.urls import reverse

from banbiantian.care import services
from banbiantian.conftest import make_person
from banbiantian.people import services as people_services

BASE = 3  # session, user, user's unit


@pytest.fixture
def filled(request, care, tree, personas):
    """`n` more of each row kind, spread over villages A and B."""
    n = request.param
    chair = personas.chair
    for i in range(n):
        unit = tree.village_a if i % 2 else tree.village_b
        woman = make_person(unit, f"填充{i}")
        if unit == tree.village_a:
            people_services.household_add_member(by=personas.county, household=care.household, person=woman,
                                                 relation="child")
        p = services.programme_create(by=chair, unit=tree.township, name=f"项目{i}", kind="other",
                                      year=2026)
        e = services.enrolment_create(by=chair, programme=care.programme, person=woman)
        services.enrolment_create(by=chair, programme=p, person=care.woman)
        services.enrolment_transition(by=chair, enrolment=e, to="reviewing")
        services.benefit_create(by=chair, programme=care.programme, person=care.woman, given_on=care.today,
                                cash="1", fund=care.fund, delivered_by="x")
        services.benefit_create(by=chair, programme=care.programme, person=woman, given_on=care.today,
                                goods="米", delivered_by="x")
        pairing = services.pairing_create(by=chair, helper=care.helper, beneficiary=woman, helper_kind="cadre",
                                          start_date=care.today - datetime.timedelta(days=200))
        services.visit_create(by=chair, pairing=care.pairing, date=care.today, kind="call", done=f"电话{i}")
        services.visit_create(by=chair, pairing=pairing, date=care.today - datetime.timedelta(days=150), kind="home",
                              done="x")
        services.fund_create(by=chair, unit=tree.township, name=f"基金{i}")
        services.campaign_create(by=chair, unit=tree.township, name=f"筛查{i}", date=care.today, institution="院")
        services.consent_record(by=chair, person=woman, kind="health", basis="consent", given_on=care.today)
        services.screening_result_record(by=chair, campaign=care.campaign, person=woman, result="normal")
        services.holiday_round_record(by=chair, unit=tree.township, programme=care.programme, name="春节",
                                      date=care.today, people=[woman], goods="油", delivered_by="x")
    care.n = n
    return care


ROWS = pytest.mark.parametrize("filled", [1, 9], indirect=True)


def _get(login, personas, django_assert_num_queries, n, name, *args, data=None):
    client = login(personas.chair)
    with django_assert_num_queries(BASE + n):
        response = client.get(reverse(name, args=args), data or {})
    assert response.status_code == 200
    return response


@ROWS
def test_home(filled, personas, login, django_assert_num_queries):
    # count of programmes; the page of programmes with units
    _get(login, personas, django_assert_num_queries, 2, "care:home")


@ROWS
def test_programme_beneficiaries(filled, personas, login, django_assert_num_queries):
    # the programme; its target groups; status counts (also the paginator's total); the page with person and
    # unit; may-edit check
    _get(login, personas, django_assert_num_queries, 5, "care:programme", filled.programme.pk)


@ROWS
def test_person_help(filled, personas, login, django_assert_num_queries):
    # the person; her memberships (prefetch); enrolments; their steps; benefits; pairings; their visits;
    # relief; health results; one bulk insert of the health-view audit rows; consents; programmes of the
    # enrol form
    _get(login, personas, django_assert_num_queries, 12, "care:person", filled.woman.pk)


@ROWS
def test_household(filled, personas, login, django_assert_num_queries):
    # the household; members; enrolments; steps; benefits; pairings; visits; relief; health results;
    # one bulk insert of the health-view audit rows (one row per member with results)
    response = _get(login, personas, django_assert_num_queries, 10, "care:household", filled.household.pk)
    assert "米油" in response.content.decode()


@ROWS
def test_pairings(filled, personas, login, django_assert_num_queries):
    # count; the page with helper and beneficiary's unit
    _get(login, personas, django_assert_num_queries, 2, "care:pairings")
    _get(login, personas, django_assert_num_queries, 2, "care:pairings", data={"overdue": "1"})


@ROWS
def test_pairing_detail(filled, personas, login, django_assert_num_queries):
    # the pairing with both people and programme; its visits
    _get(login, personas, django_assert_num_queries, 2, "care:pairing", filled.pairing.pk)


@ROWS
def test_benefits(filled, personas, login, django_assert_num_queries):
    # count; the page with person, unit and programme; the recent rounds
    _get(login, personas, django_assert_num_queries, 3, "care:benefits")


@ROWS
def test_round(filled, personas, login, django_assert_num_queries):
    # the round with programme and unit; count; the page
    _get(login, personas, django_assert_num_queries, 3, "care:round", filled.round.pk)


@ROWS
def test_funds(filled, personas, login, django_assert_num_queries):
    # funds with their in/out sums; the unit choices of the new-fund form
    _get(login, personas, django_assert_num_queries, 2, "care:funds")


@ROWS
def test_fund_ledger(filled, personas, login, django_assert_num_queries):
    # the fund; count; the page of entries with the benefit's person; the balance
    _get(login, personas, django_assert_num_queries, 4, "care:fund", filled.fund.pk)


@ROWS
def test_campaigns(filled, personas, login, django_assert_num_queries):
    # count; the page; the unit choices of the new-campaign form
    _get(login, personas, django_assert_num_queries, 3, "care:campaigns")


@ROWS
def test_stats(filled, personas, login, django_assert_num_queries):
    # the running totals of the unit; those programmes; the groups; 10 metrics (indexed lookups of running
    # totals) and the period's pairings (one grouped count); today's pairings; census children per village and
    # year; unit choices of the filter. No cache: the same number of queries for a village and for a county.
    _get(login, personas, django_assert_num_queries, 17, "care:stats")
    _get(login, personas, django_assert_num_queries, 17, "care:stats")


@ROWS
def test_dashboard_panel(filled, personas, django_assert_num_queries):
    from banbiantian.care.dashboard import care_panel

    # one read of the running totals: applications waiting, pairings open and overdue
    with django_assert_num_queries(1):
        panel = care_panel(personas.chair)
    cards = {c["label"]: c["value"] for c in panel["cards"]}
    n = filled.n
    assert cards == {"待审核的帮扶申请": 1 + 2 * n, "在结对": 1 + n, "逾期未走访": 1 + n}
    assert care_panel(personas.village_b)["cards"][1]["value"] == sum(1 for i in range(n) if i % 2 == 0)


@pytest.fixture
def more(filled, tree, personas):
    """Girls, census children and policies: `n` more of each."""
    chair = personas.chair
    for i in range(filled.n):
        unit = tree.village_a if i % 2 else tree.village_b
        girl = make_person(unit, f"女童{i}", birth=datetime.date(2016, 1, 1))
        services.consent_record(by=chair, person=girl, kind="minor", basis="guardian", given_on=filled.today)
        g = services.spring_bud_register(by=chair, person=girl, school="小学", grade="六年级", registered_on=filled.today)
        services.spring_bud_aid(by=chair, girl=g, term="2026春", amount="300", donor="x", paid_on=filled.today)
        services.census_child_add(by=chair, census=filled.census, child=girl, guardian="祖母")
        p = services.insurance_policy_create(by=chair, person=girl, year=2026, insurer="x", premium="20",
                                             paid_by="self")
        services.insurance_claim_create(by=chair, policy=p, date=filled.today, reason="x", amount_paid="10")
        services.childrens_home_create(by=chair, unit=unit, name=f"儿童之家{i}")
        if i % 2:
            services.spring_bud_left_school(by=chair, girl=g, left_on=filled.today, reason="转学")
    services.spring_bud_left_school(by=chair, girl=filled.spring_bud, left_on=filled.today, reason="转学")
    return filled


@ROWS
def test_campaign_results(more, personas, login, django_assert_num_queries):
    # the campaign; count of results; the page with person and unit; one bulk insert of the view audit rows;
    # the policies of the relief form and their categories (two reads)
    _get(login, personas, django_assert_num_queries, 6, "care:campaign", more.campaign.pk)


@ROWS
def test_relief(more, personas, login, django_assert_num_queries):
    # count; the page with person, unit and policy; the audit rows (bulk); the policies
    _get(login, personas, django_assert_num_queries, 4, "care:relief")


@ROWS
def test_spring_bud(more, personas, login, django_assert_num_queries):
    # count; the page with person, unit and aid total; each row's aids (one prefetch); the funds the aid may be
    # paid from (once, not per row); the one audit entry naming the girls shown
    _get(login, personas, django_assert_num_queries, 5, "care:springbud")
    _get(login, personas, django_assert_num_queries, 5, "care:springbud", data={"flagged": "1"})


@ROWS
def test_census(more, personas, login, django_assert_num_queries):
    # the rounds; the children's homes; the unit choices of the two forms
    _get(login, personas, django_assert_num_queries, 4, "care:census")
    # the round; count of children; the page with unit and home; the homes of the add form; the round before;
    # the one audit entry naming the children shown
    _get(login, personas, django_assert_num_queries, 6, "care:census_round", more.census.pk)


@ROWS
def test_insurance(more, personas, login, django_assert_num_queries):
    # count; the page with person, unit and claim sums; each row's claims (one prefetch)
    _get(login, personas, django_assert_num_queries, 3, "care:insurance")
