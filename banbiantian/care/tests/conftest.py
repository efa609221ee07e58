import datetime
from decimal import Decimal

import pytest

from banbiantian.care import services
from banbiantian.care.models import Kind, Result
from banbiantian.conftest import make_person
from banbiantian.people import services as people_services


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Statistics are cached by (unit, year, day, version); ids repeat between tests, so start empty."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def care(tree, personas):
    """One of everything, owned by 东塘镇 / village A, recorded by the township chair."""
    chair = personas.chair
    today = datetime.date(2026, 3, 1) if datetime.date.today() > datetime.date(2026, 3, 1) else datetime.date.today()
    woman = make_person(tree.village_a, "王秀英")
    helper = make_person(tree.village_a, "李爱华", birth=datetime.date(1970, 5, 1))
    people_services.household_create(by=personas.county, head=woman)
    programme = services.programme_create(by=chair, unit=tree.township,
        name="春节慰问", kind=Kind.HOLIDAY, year=today.year, budget="5000.00", fund_source="县妇联")
    enrolment = services.enrolment_create(by=chair, programme=programme, person=woman, reason="单亲特困")
    pairing = services.pairing_create(by=chair, helper=helper, beneficiary=woman, helper_kind="caring_mother",
                                      start_date=today - datetime.timedelta(days=10))
    fund = services.fund_create(by=chair, unit=tree.township, name="爱心一元捐")
    services.fund_entry_create(by=chair, fund=fund, direction="in", date=today, party="某企业", amount="1000.00")
    benefit = services.benefit_create(by=chair, programme=programme, person=woman, given_on=today, cash="200.00",
                                      fund=fund, delivered_by="张主席")
    round_ = services.holiday_round_record(by=chair, unit=tree.village_a, programme=programme, name="2026春节慰问",
                                           date=today, people=[woman], goods="米油", goods_value="100",
                                           delivered_by="张主席")
    campaign = services.campaign_create(by=chair, unit=tree.township, name="2026年两癌筛查", date=today,
                                        institution="县妇幼保健院")
    consent = services.consent_record(by=chair, person=woman, kind="health", basis="consent", given_on=today)
    result = services.screening_result_record(by=chair, campaign=campaign, person=woman, result=Result.CONFIRMED,
                                              diagnosis="cervical_invasive", stage="IIIA")
    policy = services.relief_policy_create(by=personas.county, unit=tree.county, name="低收入妇女两癌救助",
                                           amount=Decimal("10000"), categories=["低保对象", "特困人员"])
    relief = services.relief_apply(by=chair, result=result, policy=policy, category="低保对象", year=today.year)
    girl = make_person(tree.village_a, "王小春", birth=datetime.date(today.year - 10, 9, 1))
    services.consent_record(by=chair, person=girl, kind="minor", basis="guardian", given_on=today)
    spring_bud = services.spring_bud_register(by=chair, person=girl, school="东塘小学", grade="四年级",
                                              registered_on=today, donor="某爱心企业")
    census = services.census_round_create(by=chair, unit=tree.township, year=today.year, name="")
    census_child = services.census_child_add(by=chair, census=census, child=girl, guardian="王秀英",
                                             mother_whereabouts="浙江义乌")
    insurance = services.insurance_policy_create(by=chair, person=woman, year=today.year,
                                                 insurer="中国人寿", premium="50.00", paid_by="federation")
    return type("Care", (), dict(
        girl=girl, spring_bud=spring_bud, census=census, census_child=census_child, insurance=insurance,
        today=today, woman=woman, helper=helper, household=woman.household, programme=programme,
        enrolment=enrolment, pairing=pairing, fund=fund, benefit=benefit, round=round_, campaign=campaign,
        consent=consent, result=result, policy=policy, relief=relief))
