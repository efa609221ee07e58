import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from banbiantian.care import services
from banbiantian.care.models import Benefit, Enrolment, FundEntry, HolidayRound, Pairing, Programme, Visit
from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry
from banbiantian.people.models import GroupMembership, SpecialGroup


def test_programme_create_and_edit(tree, personas, login):
    client = login(personas.chair)
    group = SpecialGroup.objects.get(code="poor_mothers")
    response = client.post(reverse("care:programme_create"), {
        "name": "贫困母亲结对", "kind": "pairing", "unit": tree.township.pk, "year": 2026, "budget": "3000.50",
        "fund_source": "县财政", "target_groups": [group.pk]})
    programme = Programme.objects.get(name="贫困母亲结对")
    assert response.status_code == 302 and programme.budget == Decimal("3000.50")
    assert list(programme.target_groups.all()) == [group]
    response = client.post(reverse("care:programme_edit", args=[programme.pk]), {
        "name": "贫困母亲结对", "kind": "pairing", "unit": tree.township.pk, "year": 2026, "budget": "3000.555"})
    assert response.status_code == 200 and "最多保留两位小数" in response.content.decode()


def test_enrol_and_decide_from_the_person_page(care, personas, login):
    other = services.programme_create(by=personas.chair, unit=care.programme.unit,
        name="春蕾", kind="spring_bud", year=2026)
    client = login(personas.village_a)
    assert client.post(reverse("care:enrol", args=[care.woman.pk]), {"programme": other.pk, "reason": "家庭困难"}
                       ).status_code == 302
    enrolment = Enrolment.objects.get(programme=other, person=care.woman)
    client.post(reverse("care:enrolment_transition", args=[enrolment.pk]), {"to": "reviewing"})
    response = client.post(reverse("care:enrolment_transition", args=[enrolment.pk]), {"to": "approved"})
    assert response.status_code == 403  # the village director submits; the township decides
    chair = login(personas.chair)
    response = chair.post(reverse("care:enrolment_transition", args=[enrolment.pk]), {"to": "rejected"}, follow=True)
    assert "必须填写理由" in response.content.decode()
    chair.post(reverse("care:enrolment_transition", args=[enrolment.pk]), {"to": "approved", "reason": "符合"})
    enrolment.refresh_from_db()
    assert enrolment.status == "approved"


def test_person_page_shows_all_help_and_logs_health_view(care, personas, login):
    response = login(personas.chair).get(reverse("care:person", args=[care.woman.pk]))
    body = response.content.decode()
    assert "春节慰问" in body and "200.00" in body and "米油" in body and "李爱华" in body
    assert "浸润性宫颈癌" in body
    assert AuditEntry.objects.filter(action="view", object_type="care.screeningresult", object_id=str(care.woman.pk),
                                     actor=personas.chair).count() == 1


def test_village_director_sees_help_but_no_health_data(care, personas, login):
    response = login(personas.village_a).get(reverse("care:person", args=[care.woman.pk]))
    body = response.content.decode()
    assert "春节慰问" in body and "浸润性宫颈癌" not in body and "两癌筛查结果" not in body
    assert not AuditEntry.objects.filter(action="view", actor=personas.village_a).exists()
    body = login(personas.viewer).get(reverse("care:campaign", args=[care.campaign.pk])).content.decode()
    assert "无权查看" in body and "王秀英" not in body


def test_campaign_results_log_each_woman_viewed(care, personas, login):
    login(personas.county).get(reverse("care:campaign", args=[care.campaign.pk]))
    assert AuditEntry.objects.filter(action="view", actor=personas.county, object_id=str(care.woman.pk)).exists()


def test_household_view_shows_help_to_each_member(care, tree, personas, login):
    from banbiantian.people import services as people_services

    child = make_person(tree.village_a, "王小花", birth=datetime.date(2015, 1, 1))
    people_services.household_add_member(by=personas.county, household=care.household, person=child, relation="child")
    services.benefit_create(by=personas.chair, programme=care.programme, person=child, given_on=care.today,
                            goods="书包", delivered_by="张")
    body = login(personas.chair).get(reverse("care:household", args=[care.household.pk])).content.decode()
    assert "王小花" in body and "书包" in body and "米油" in body


def test_pairing_create_visit_and_file(care, tree, personas, login):
    woman = make_person(tree.village_a, "孙贫母")
    client = login(personas.village_a)
    response = client.post(reverse("care:pairing_create", args=[woman.pk]), {
        "helper": care.helper.pk, "helper_kind": "caring_mother", "start_date": str(care.today), "situation": "丈夫病故"})
    pairing = Pairing.objects.get(beneficiary=woman)
    assert response.status_code == 302
    client.post(reverse("care:visit_add", args=[pairing.pk]), {"date": str(care.today), "kind": "home",
                                                                "done": "送去棉被", "needs": "孩子学费"})
    assert Visit.objects.filter(pairing=pairing, needs="孩子学费").exists()
    body = client.get(reverse("care:pairing_file", args=[pairing.pk])).content.decode()
    assert "孙贫母 结对帮扶档案" in body and "丈夫病故" in body and "送去棉被" in body


def test_pairing_helper_outside_scope_is_refused(care, tree, personas, login):
    stranger = make_person(tree.village_c, "赵西岭")
    response = login(personas.village_a).post(reverse("care:pairing_create", args=[care.woman.pk]), {
        "helper": stranger.pk, "helper_kind": "cadre", "start_date": str(care.today)})
    assert response.status_code == 200 and "请从查找结果中选择帮扶人" in response.content.decode()


def test_overdue_list_page(care, personas, login):
    body = login(personas.chair).get(reverse("care:pairings"), {"overdue": "1"}).content.decode()
    assert "王秀英" in body  # started 10 days before 1 March and never visited since


def test_benefit_create_view_refuses_three_decimals(care, personas, login):
    client = login(personas.chair)
    url = reverse("care:benefit_create", args=[care.woman.pk])
    response = client.post(url, {"programme": care.programme.pk, "given_on": str(care.today), "cash": "10.005",
                                 "delivered_by": "张"})
    assert response.status_code == 200 and "最多保留两位小数" in response.content.decode()
    response = client.post(url, {"programme": care.programme.pk, "given_on": str(care.today), "cash": "10.05",
                                 "fund": care.fund.pk, "delivered_by": "张"})
    assert response.status_code == 302 and Benefit.objects.filter(cash=Decimal("10.05")).exists()


def test_round_from_a_filtered_list(care, tree, personas, login):
    group = SpecialGroup.objects.get(code="poor_mothers")
    for i in range(4):
        GroupMembership.objects.create(person=make_person(tree.village_a, f"贫母{i}"), group=group)
    make_person(tree.village_a, "不在群体")
    client = login(personas.chair)
    query = {"unit": tree.village_a.pk, "group": group.pk}
    preview = client.get(reverse("care:round_create"), query)
    assert "共 <strong>4</strong> 人" in preview.content.decode()
    response = client.post(reverse("care:round_create"), {
        **query, "age_band": "", "programme": care.programme.pk, "name": "2026中秋慰问", "date": str(care.today),
        "cash": "100", "fund": care.fund.pk, "delivered_by": "张主席"})
    round_ = HolidayRound.objects.get(name="2026中秋慰问")
    assert response.status_code == 302 and round_.recipients == 4
    assert FundEntry.objects.filter(benefit__round=round_).count() == 4


def test_fund_create_and_entry(tree, personas, login):
    client = login(personas.chair)
    client.post(reverse("care:funds"), {"name": "春蕾基金", "unit": tree.township.pk})
    from banbiantian.care.models import Fund

    fund = Fund.objects.get(name="春蕾基金")
    response = client.post(reverse("care:fund_entry_add", args=[fund.pk]), {
        "direction": "out", "date": "2026-01-05", "party": "某校", "amount": "5"}, follow=True)
    assert "余额0.00元" in response.content.decode()
    client.post(reverse("care:fund_entry_add", args=[fund.pk]), {
        "direction": "in", "date": "2026-01-05", "party": "爱心人士", "amount": "500"})
    assert services.fund_balance(fund=fund) == Decimal("500.00")
    assert login(personas.viewer).post(reverse("care:funds"), {"name": "y", "unit": tree.county.pk}).status_code == 403


def test_screening_result_and_relief_from_views(care, tree, personas, login):
    woman = make_person(tree.village_a, "郑确诊")
    client = login(personas.chair)
    response = client.post(reverse("care:result_add", args=[care.campaign.pk]), {
        "person": woman.pk, "cervical": "on", "result": "confirmed", "diagnosis": "breast_invasive"}, follow=True)
    assert "处理依据" in response.content.decode()  # no consent yet: refused
    client.post(reverse("care:consent_add", args=[woman.pk]), {"kind": "health", "basis": "consent",
                                                                "given_on": str(care.today)})
    client.post(reverse("care:result_add", args=[care.campaign.pk]), {
        "person": woman.pk, "breast": "on", "result": "confirmed", "diagnosis": "breast_invasive"})
    from banbiantian.care.models import ReliefApplication, ScreeningResult

    result = ScreeningResult.objects.get(person=woman)
    client.post(reverse("care:relief_apply", args=[result.pk]), {"policy": care.policy.pk, "category": "特困人员",
                                                                  "year": 2026})
    app = ReliefApplication.objects.get(person=woman)
    assert app.amount == Decimal("10000.00")
    body = client.get(reverse("care:relief")).content.decode()
    assert "郑确诊" in body


def test_stats_numbers_on_a_hand_built_fixture(tree, personas, login):
    chair = personas.chair
    poor = SpecialGroup.objects.get(code="poor_mothers")
    p = services.programme_create(by=chair, unit=tree.township, name="慰问", kind="holiday", year=2025,
                                  fund_source="县财政")
    a1, a2 = make_person(tree.village_a, "甲"), make_person(tree.village_a, "乙")
    b1 = make_person(tree.village_b, "丙")
    GroupMembership.objects.create(person=a1, group=poor, start_date=datetime.date(2020, 1, 1))
    d = datetime.date(2025, 2, 1)
    # 甲 twice (100 + 50 cash), 乙 goods worth 80, 丙 100 cash from a named source; one in 2024 that must not count.
    services.benefit_create(by=chair, programme=p, person=a1, given_on=d, cash="100", delivered_by="x")
    services.benefit_create(by=chair, programme=p, person=a1, given_on=d, cash="50", delivered_by="x")
    services.benefit_create(by=chair, programme=p, person=a2, given_on=d, goods="米", goods_value="80",
                            delivered_by="x")
    services.benefit_create(by=chair, programme=p, person=b1, given_on=d, cash="100", fund_source="爱心企业",
                            delivered_by="x")
    services.benefit_create(by=chair, programme=p, person=b1, given_on=datetime.date(2024, 12, 31), cash="999",
                            delivered_by="x")
    services.enrolment_create(by=chair, programme=p, person=a2)
    # Screening 2025: 4 women, 1 normal, 1 review, 1 confirmed; one 2024 campaign ignored.
    c = services.campaign_create(by=chair, unit=tree.township, name="2025筛查", date=d, institution="院")
    old = services.campaign_create(by=chair, unit=tree.township, name="2024筛查", date=datetime.date(2024, 5, 1),
                                   institution="院")
    for person, result, breast in [(a1, "normal", True), (a2, "review", False), (b1, "confirmed", True)]:
        services.consent_record(by=chair, person=person, kind="health", basis="consent", given_on=d)
        services.screening_result_record(by=chair, campaign=c, person=person, result=result, breast=breast,
                                         diagnosis="breast_invasive" if result == "confirmed" else "")
    services.screening_result_record(by=chair, campaign=old, person=a1, result="confirmed", diagnosis="other")
    # Left-behind children (census): village A had 1 in 2024 and 2 in 2025; village B 1 in 2024 only.
    k1, k2 = make_person(tree.village_a, "童1", birth=datetime.date(2016, 1, 1)), make_person(
        tree.village_a, "童2", birth=datetime.date(2017, 1, 1))
    k3 = make_person(tree.village_b, "童3", birth=datetime.date(2015, 1, 1))
    for k in (k1, k2, k3):
        services.consent_record(by=chair, person=k, kind="minor", basis="guardian", given_on=d)
    r24 = services.census_round_create(by=chair, unit=tree.township, year=2024, name="")
    r25 = services.census_round_create(by=chair, unit=tree.township, year=2025, name="")
    services.census_child_add(by=chair, census=r24, child=k1, guardian="祖母")
    services.census_child_add(by=chair, census=r24, child=k3, guardian="祖父")
    services.census_child_add(by=chair, census=r25, child=k1, guardian="祖母", father_whereabouts="广东东莞")
    services.census_child_add(by=chair, census=r25, child=k2, guardian="祖母")
    from banbiantian.care.stats import care_stats

    s = care_stats(user=chair, unit=tree.township, year=2025, today=datetime.date(2026, 1, 10))
    row = s["per_programme"][0]
    assert (row["people"], row["times"], row["cash"], row["goods"], row["waiting"]) == (
        3, 4, Decimal("250.00"), Decimal("80.00"), 1)
    assert {r["group"].code: r["people"] for r in s["per_group"]}["poor_mothers"] == 1
    assert [(r["fund_source"], r["people"], r["cash"]) for r in s["by_source"]] == [
        ("县财政", 2, Decimal("150.00")), ("爱心企业", 1, Decimal("100.00"))]
    sc = s["screening"]
    assert (sc["screened"], sc["cervical"], sc["breast"], sc["abnormal"], sc["confirmed"]) == (3, 3, 2, 2, 1)
    assert sc["abnormal_rate"] == Decimal("66.7") and sc["confirmed_rate"] == Decimal("33.3")
    assert s["villages"] == [{"name": "东塘村", "this": 2, "last": 1}, {"name": "桥头村", "this": 0, "last": 1}]
    # Village A's director sees only her village: 甲 and 乙.
    s_a = care_stats(user=personas.village_a, unit=tree.village_a, year=2025, today=datetime.date(2026, 1, 10))
    assert s_a["totals"]["people"] == 2 and s_a["totals"]["cash"] == Decimal("150.00")

    response = login(chair).get(reverse("care:stats_xlsx"), {"unit": tree.township.pk, "year": 2025})
    wb = load_workbook(io.BytesIO(response.content))
    sheet = wb.worksheets[0]
    assert sheet.cell(3, 1).value == "慰问" and sheet.cell(3, 3).value == 3 and sheet.cell(3, 5).value == 250
    assert AuditEntry.objects.filter(action="export", object_type="care.stats").exists()
    page = lambda: login(chair).get(reverse("care:stats"), {"unit": tree.township.pk, "year": 2025}).content.decode()  # noqa: E731
    assert "全年受助 3 人" in page()
    # A new benefit shows at once although the figures are cached.
    services.benefit_create(by=chair, programme=p, person=a2, given_on=d, cash="5", delivered_by="x")
    assert "全年受助 3 人、5 人次" in page()


@pytest.mark.parametrize("url_name", ["care:home", "care:pairings", "care:benefits", "care:funds", "care:campaigns",
                                      "care:stats"])
def test_pages_fit_a_phone(url_name, care, personas, login):
    body = login(personas.chair).get(reverse(url_name)).content.decode()
    assert 'name="viewport"' in body and "table-responsive" in body


def test_forms_posted_through_the_pages(care, tree, personas, login):
    from banbiantian.care.models import CensusRound, ChildrensHome, ReliefPolicy, ScreeningCampaign

    county, chair = login(personas.county), login(personas.chair)
    response = county.post(reverse("care:policy_create"), {
        "name": "某省两癌救助", "unit": tree.county.pk, "amount": "12000", "categories": "低保对象\n特困人员",
        "cervical_min_stage": "IIA", "breast_any_invasive": "on"})
    assert response.status_code == 302
    assert ReliefPolicy.objects.get(name="某省两癌救助").categories == ["低保对象", "特困人员"]
    chair.post(reverse("care:campaigns"), {"name": "秋季筛查", "unit": tree.township.pk, "date": "2026-09-01",
                                            "institution": "镇卫生院"})
    assert ScreeningCampaign.objects.filter(name="秋季筛查").exists()
    chair.post(reverse("care:census"), {"form": "round", "unit": tree.township.pk, "year": 2030})
    chair.post(reverse("care:census"), {"form": "home", "home-unit": tree.village_a.pk, "home-name": "桥头儿童之家"})
    assert CensusRound.objects.filter(year=2030).exists() and ChildrensHome.objects.filter(name="桥头儿童之家").exists()
    response = chair.post(reverse("care:census"), {"form": "round", "unit": tree.township.pk, "year": 2030})
    assert response.status_code == 200 and "普查已建立" in response.content.decode()
    assert login(personas.viewer).post(reverse("care:census"), {"form": "round"}).status_code == 403


def test_relief_and_consent_views(care, personas, login):
    chair = login(personas.chair)
    chair.post(reverse("care:relief_transition", args=[care.relief.pk]), {"to": "reviewing"})
    response = chair.post(reverse("care:relief_transition", args=[care.relief.pk]), {"to": "rejected"}, follow=True)
    assert "必须填写理由" in response.content.decode()
    care.relief.refresh_from_db()
    assert care.relief.status == "reviewing"
    chair.post(reverse("care:consent_withdraw", args=[care.consent.pk]))
    care.consent.refresh_from_db()
    assert care.consent.withdrawn_on is not None
    body = chair.get(reverse("care:person", args=[care.woman.pk])).content.decode()
    assert "已撤回" in body


def test_picker_only_offers_people_in_scope(care, tree, personas, login):
    make_person(tree.village_b, "王桥头")
    body = login(personas.village_a).get(reverse("care:picker"), {"q": "王", "field": "helper"}).content.decode()
    assert "王秀英" in body and "王桥头" not in body and 'name="helper"' in body


def test_dashboard_shows_the_care_panel(care, personas, login):
    body = login(personas.chair).get(reverse("dashboard")).content.decode()
    assert "关爱帮扶" in body and "逾期未走访" in body


def test_find_a_person_from_the_care_home(care, tree, personas, login):
    make_person(tree.village_b, "王桥头")
    body = login(personas.village_a).get(reverse("care:home"), {"who": "王"}).content.decode()
    assert reverse("care:person", args=[care.woman.pk]) in body and "王桥头" not in body
