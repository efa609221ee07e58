"""The care metrics on a hand-built fixture whose answers are worked out below.

Year 2025. People: a1, a2 (东塘村), b1 (桥头村) — both villages of 东塘镇 — and c1 (西岭村, 西岭乡).
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from banbiantian.care import tally
from banbiantian.care.metrics import DIRECT
from banbiantian.care.models import (
    Benefit,
    CensusChild,
    CensusRound,
    Enrolment,
    EnrolmentStep,
    Fund,
    FundEntry,
    InsuranceClaim,
    InsurancePolicy,
    Kind,
    Pairing,
    Programme,
    ReliefApplication,
    ReliefPolicy,
    Result,
    ScreeningCampaign,
    ScreeningResult,
    SpringBudAid,
    SpringBudGirl,
    Visit,
)
from banbiantian.conftest import make_person
from banbiantian.core import metrics
from banbiantian.core.metrics import Period, compute
from banbiantian.people.models import GroupMembership, SpecialGroup

D = datetime.date
YEAR = Period("year", 2025)


@pytest.fixture
def world(tree):
    a1, a2 = make_person(tree.village_a, "甲一"), make_person(tree.village_a, "甲二")
    b1, c1 = make_person(tree.village_b, "乙一"), make_person(tree.village_c, "丙一")
    helper = make_person(tree.village_a, "帮扶人")
    holiday = Programme.objects.create(unit=tree.county, name="春节慰问", kind=Kind.HOLIDAY, year=2025)
    other = Programme.objects.create(unit=tree.township, name="其他帮扶", kind=Kind.OTHER, year=2025)
    fund = Fund.objects.create(unit=tree.township, name="东塘爱心基金")
    county_fund = Fund.objects.create(unit=tree.county, name="县爱心基金")

    def give(person, programme, day, cash=None, goods="", goods_value=None, fund=None):
        return Benefit.objects.create(programme=programme, person=person, given_on=day, cash=cash, goods=goods,
                                      goods_value=goods_value, fund=fund, fund_source="县妇联", delivered_by="x")

    give(a1, holiday, D(2025, 1, 20), cash=Decimal("200"))
    give(a1, holiday, D(2025, 9, 10), goods="米油", goods_value=Decimal("150.50"))
    give(a2, other, D(2025, 2, 1), cash=Decimal("300"), fund=fund)
    give(b1, holiday, D(2025, 1, 20), cash=Decimal("200"))
    give(c1, holiday, D(2025, 3, 1), cash=Decimal("100"))
    give(c1, holiday, D(2024, 12, 31), cash=Decimal("999"))  # last year

    def approve(person, programme, when):
        enrolment = Enrolment.objects.create(programme=programme, person=person, status="approved",
                                             applied_on=when - datetime.timedelta(days=20))
        step = EnrolmentStep.objects.create(enrolment=enrolment, from_status="reviewing", to_status="approved")
        at = timezone.make_aware(datetime.datetime.combine(when, datetime.time(10)))
        EnrolmentStep.objects.filter(pk=step.pk).update(at=at, on=when)

    approve(a1, holiday, D(2025, 3, 5))
    approve(c1, holiday, D(2024, 11, 5))  # last year
    Enrolment.objects.create(programme=holiday, person=b1, applied_on=D(2025, 8, 1))  # applied only

    p_a1 = Pairing.objects.create(helper=helper, beneficiary=a1, helper_kind="caring_mother", start_date=D(2024, 6, 1),
                                  last_contact_on=D(2025, 5, 10))
    Pairing.objects.create(helper=helper, beneficiary=b1, helper_kind="cadre", start_date=D(2025, 2, 1),
                           end_date=D(2025, 3, 1), last_contact_on=D(2025, 2, 1))
    p_c1 = Pairing.objects.create(helper=helper, beneficiary=c1, helper_kind="cadre", start_date=D(2023, 1, 1),
                                  end_date=D(2024, 12, 31), last_contact_on=D(2024, 6, 1))
    for pairing, day in ((p_a1, D(2025, 2, 10)), (p_a1, D(2025, 5, 10)), (p_c1, D(2024, 6, 1))):
        Visit.objects.create(pairing=pairing, date=day, kind="home", done="走访")
    poor = SpecialGroup.objects.get(code="poor_mothers")
    GroupMembership.objects.create(person=a1, group=poor, start_date=D(2020, 1, 1))
    GroupMembership.objects.create(person=b1, group=poor, start_date=D(2020, 1, 1), end_date=D(2024, 12, 1))

    campaign = ScreeningCampaign.objects.create(unit=tree.township, name="东塘筛查", date=D(2025, 4, 1), institution="x")
    west = ScreeningCampaign.objects.create(unit=tree.other_township, name="西岭筛查", date=D(2025, 5, 1),
                                            institution="x")
    old = ScreeningCampaign.objects.create(unit=tree.township, name="去年筛查", date=D(2024, 4, 1), institution="x")

    def screen(campaign, person, result, cervical=True, breast=True, follow_up="", diagnosis=""):
        return ScreeningResult.objects.create(campaign=campaign, person=person, result=result, cervical=cervical,
                                              breast=breast, follow_up=follow_up, diagnosis=diagnosis)

    screen(campaign, a1, Result.NORMAL)
    screen(campaign, a2, Result.REVIEW, breast=False, follow_up="已复查")
    confirmed = screen(campaign, b1, Result.CONFIRMED, cervical=False, diagnosis="breast_invasive")
    c1_result = screen(west, c1, Result.SUSPECTED)
    screen(old, a1, Result.REVIEW)

    policy = ReliefPolicy.objects.create(unit=tree.county, name="救助", amount=Decimal("10000"), categories=["低保"])
    ReliefApplication.objects.create(result=confirmed, person=b1, policy=policy, year=2025, category="低保",
                                     amount=Decimal("10000"), status="ended", decided_on=D(2025, 6, 1),
                                     paid_on=D(2025, 7, 1))
    ReliefApplication.objects.create(result=c1_result, person=c1, policy=policy, year=2025, category="低保",
                                     amount=Decimal("10000"), status="rejected", decided_on=D(2025, 6, 2))

    girl = SpringBudGirl.objects.create(person=make_person(tree.village_b, "春蕾", birth=D(2015, 1, 1)), school="x",
                                        grade="五年级", registered_on=D(2024, 9, 1))
    west_girl = SpringBudGirl.objects.create(person=make_person(tree.village_c, "西春", birth=D(2014, 1, 1)),
                                             school="x", grade="六年级", registered_on=D(2024, 9, 1))
    for g, term, day in ((girl, "2025春", D(2025, 3, 1)), (girl, "2025秋", D(2025, 9, 1)),
                         (west_girl, "2024秋", D(2024, 9, 1))):
        SpringBudAid.objects.create(girl=g, term=term, amount=Decimal("500"), donor="x", paid_on=day)

    kid = make_person(tree.village_a, "留守", birth=D(2016, 1, 1))
    township_round = CensusRound.objects.create(unit=tree.township, year=2025, name="2025")
    county_round = CensusRound.objects.create(unit=tree.county, year=2025, name="县2025")
    last_round = CensusRound.objects.create(unit=tree.other_township, year=2024, name="2024")
    for census, child in ((township_round, girl.person), (township_round, kid), (county_round, girl.person),
                          (last_round, west_girl.person)):
        CensusChild.objects.create(round=census, child=child, guardian="奶奶")

    insured = InsurancePolicy.objects.create(person=a1, year=2025, insurer="x", premium=Decimal("50"),
                                             paid_by="federation")
    InsurancePolicy.objects.create(person=b1, year=2025, insurer="x", premium=Decimal("60"), paid_by="self")
    InsurancePolicy.objects.create(person=c1, year=2025, insurer="x", premium=Decimal("40"), paid_by="donor",
                                   payer="某企业")
    InsurancePolicy.objects.create(person=a2, year=2024, insurer="x", premium=Decimal("50"), paid_by="self")
    InsuranceClaim.objects.create(policy=insured, date=D(2025, 7, 1), reason="住院", amount_paid=Decimal("1000"))

    FundEntry.objects.create(fund=fund, direction="in", date=D(2025, 1, 5), amount=Decimal("1000"), party="企业")
    FundEntry.objects.create(fund=fund, direction="in", date=D(2025, 1, 6), goods="棉被", goods_value=Decimal("200"),
                             party="企业")
    FundEntry.objects.create(fund=fund, direction="out", date=D(2025, 2, 1), amount=Decimal("300"), party="甲二")
    FundEntry.objects.create(fund=county_fund, direction="in", date=D(2025, 1, 1), amount=Decimal("5000"), party="x")
    tally.rebuild()  # the records were written directly, not through the services
    return tree


# (東塘镇, 西岭乡, 清溪县) for the year 2025, worked out from the fixture above.
EXPECTED = {
    "people_reached": (3, 1, 4),  # a1 (twice), a2, b1 | c1 (her 2024 benefit is last year)
    "people_reached_holiday": (2, 1, 3),  # a1, b1 | c1
    "people_reached_other": (1, 0, 1),  # a2
    "people_reached_pairing": (0, 0, 0),
    "benefits_given": (4, 1, 5),
    "benefit_cash": (Decimal("700"), Decimal("100"), Decimal("800")),  # 200 + 300 + 200 | 100
    "benefit_goods_value": (Decimal("150.50"), 0, Decimal("150.50")),
    "benefit_cash_from_funds": (Decimal("300"), 0, Decimal("300")),
    "enrolments_applied": (2, 0, 2),  # a1 (February), b1 (August); c1 applied in 2024
    "beneficiaries_approved": (1, 0, 1),  # a1 in March; c1's approval was in 2024
    "pairings_active": (2, 0, 2),  # a1 (ongoing), b1 (Feb–Mar); c1's ended 2024-12-31
    "people_paired": (2, 0, 2),
    "poor_mothers_paired": (1, 0, 1),  # a1; b1 left the group in 2024
    "pairing_visits": (2, 0, 2),
    "screened": (3, 1, 4),
    "screened_cervical": (2, 1, 3),  # a1, a2 | c1
    "screened_breast": (2, 1, 3),  # a1, b1 | c1
    "screening_abnormal": (2, 1, 3),  # a2 review, b1 confirmed | c1 suspected
    "screening_confirmed": (1, 0, 1),
    "screening_followed_up": (1, 0, 1),  # a2
    "relief_approved": (1, 0, 1),  # b1; c1 refused
    "relief_amount": (Decimal("10000"), 0, Decimal("10000")),
    "relief_paid_amount": (Decimal("10000"), 0, Decimal("10000")),  # b1's, paid 2025-07-01
    "spring_bud_girls_aided": (1, 0, 1),  # two terms, one girl; 西春's aid was 2024
    "spring_bud_aid_amount": (Decimal("1000"), 0, Decimal("1000")),
    "left_behind_children": (2, 0, 2),  # 春蕾 (in two 2025 rounds, one child) and 留守
    "insurance_policies": (2, 1, 3),
    "insurance_premiums": (Decimal("110"), Decimal("40"), Decimal("150")),
    "insurance_premiums_subsidised": (Decimal("50"), Decimal("40"), Decimal("90")),
    "insurance_claims_paid": (Decimal("1000"), 0, Decimal("1000")),
    "donations_in": (Decimal("1000"), 0, Decimal("6000")),  # the county keeps a fund of its own
    "donations_out": (Decimal("300"), 0, Decimal("300")),
    "donated_goods_value": (Decimal("200"), 0, Decimal("200")),
}
RATES = {
    "screening_abnormal_rate": (Decimal("66.7"), Decimal("100.0"), Decimal("75.0")),
    "screening_confirmed_rate": (Decimal("33.3"), Decimal("0.0"), Decimal("25.0")),
    "screening_follow_up_rate": (Decimal("50.0"), Decimal("0.0"), Decimal("33.3")),
}


def test_every_care_metric_on_the_fixture(world):
    units = [world.township, world.other_township, world.county]
    keys = [f"care.{k}" for k in (*EXPECTED, *RATES)]
    got = compute(keys, units, YEAR)
    for key, expected in {**EXPECTED, **RATES}.items():
        assert tuple(got[f"care.{key}"][u.pk] for u in units) == expected, key


def test_every_registered_care_metric_is_checked():
    registered = {m.key.removeprefix("care.") for m in metrics.all_metrics() if m.area == "care"}
    assert registered == set(EXPECTED) | set(RATES) | {f"people_reached_{k}" for k in Kind.values}


def test_county_is_the_sum_of_its_townships_for_every_additive_metric(world):
    """Each record counts under one unit. Funds the county keeps itself are the county's own."""
    care = [m for m in metrics.all_metrics() if m.area == "care" and m.additive]
    units = [world.county, world.township, world.other_township]
    got = compute([m.key for m in care], units, YEAR)
    own = {"care.donations_in": Decimal("5000")}
    for m in care:
        values = got[m.key]
        assert values[world.county.pk] == values[world.township.pk] + values[world.other_township.pk] + own.get(
            m.key, 0), m.key


def test_a_village_and_a_quarter(world):
    q1 = Period("quarter", 2025, 1)
    got = compute(["care.people_reached", "care.benefit_cash", "care.pairings_active"], [world.village_a], q1)
    # a1 (Jan), a2 (Feb) in 东塘村; a1's September goods are Q3. b1's pairing is 桥头村.
    assert got["care.people_reached"][world.village_a.pk] == 2
    assert got["care.benefit_cash"][world.village_a.pk] == Decimal("500")
    assert got["care.pairings_active"][world.village_a.pk] == 1
    assert metrics.value("care.people_reached", world.township, Period("quarter", 2025, 3)) == 1


def test_records_follow_the_care_scope_and_health_permission(world, personas):
    reached = metrics.get("care.people_reached")
    # The village B director asking for the county sees only her own village's records.
    rows = list(reached.records(personas.village_b, world.county, YEAR))
    assert [r.person.name for r in rows] == ["乙一"]
    assert reached.records(personas.county, world.county, YEAR).count() == 5
    screened = metrics.get("care.screened")
    assert screened.permission == "view_health_data"
    assert screened.records(personas.county, world.county, YEAR).count() == 4
    assert screened.records(personas.viewer, world.county, YEAR).count() == 0  # no health permission
    assert metrics.get("care.screening_abnormal_rate").records(personas.viewer, world.county, YEAR).count() == 0
    header = [str(h) for h, _ in reached.columns]
    assert "身份证号" not in header and "姓名" in header
    row = rows[0]
    assert [str(f(row)) for _, f in reached.columns][:2] == ["乙一", "桥头村"]


@pytest.mark.parametrize("period", [YEAR, Period("quarter", 2025, 1), Period("month", 2025, 9), Period("half", 2024, 2)])
def test_running_totals_equal_the_records(world, period):
    """The metrics read from the running totals give what aggregating the records gives."""
    units = [world.county, world.township, world.other_township, world.village_a, world.village_b, world.village_c]
    got = compute(list(DIRECT), units, period)
    for key, direct in DIRECT.items():
        expected = direct(units, period)
        assert {u.pk: got[key][u.pk] for u in units} == {u.pk: expected.get(u.pk, 0) for u in units}, key
