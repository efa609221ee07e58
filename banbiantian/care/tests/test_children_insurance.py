import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from banbiantian.care import selectors, services
from banbiantian.care.models import CensusChild, InsuranceClaim, SpringBudAid
from banbiantian.conftest import make_person


def _msg(exc, field):
    return " ".join(exc.value.message_dict[field])


def _years_ago(years, days=0):
    today = datetime.date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28)) - datetime.timedelta(days=days)


# ---- 春蕾 -------------------------------------------------------------------------------------------

def test_spring_bud_girl_flagged_when_she_leaves_school_or_comes_of_age(care, tree, personas):
    chair = personas.chair
    older = make_person(tree.village_a, "王大春", birth=_years_ago(17, days=-30))  # 16 now, 18 within 2 years
    services.spring_bud_register(by=chair, person=older, school="县一中", grade="高二", registered_on=care.today)
    assert set(selectors.spring_bud_list(user=chair, flagged=True)) == set()
    # Two years on she is 18: flagged, without anyone touching her record.
    later = datetime.date.today().replace(year=datetime.date.today().year + 2)
    assert [g.person for g in selectors.spring_bud_list(user=chair, flagged=True, today=later)] == [older]
    services.spring_bud_left_school(by=chair, girl=care.spring_bud, left_on=care.today, reason="随父母外出")
    flagged = {g.person.name: (g.flag_left, g.flag_adult) for g in selectors.spring_bud_list(user=chair, flagged=True)}
    assert flagged == {"王小春": (True, False)}
    with pytest.raises(ValidationError) as exc:
        services.spring_bud_aid(by=chair, girl=care.spring_bud, term="2026秋", amount="500", donor="x",
                                paid_on=care.today)
    assert "已离校" in _msg(exc, "term")


def test_spring_bud_aid_once_per_term_in_cents(care, personas):
    services.spring_bud_aid(by=personas.chair, girl=care.spring_bud, term="2026春", amount="600.50", donor="某企业",
                            paid_on=care.today)
    with pytest.raises(ValidationError) as exc:
        services.spring_bud_aid(by=personas.chair, girl=care.spring_bud, term="2026春", amount="600", donor="某企业",
                                paid_on=care.today)
    assert "已发放过" in _msg(exc, "term")
    with pytest.raises(ValidationError) as exc:
        services.spring_bud_aid(by=personas.chair, girl=care.spring_bud, term="2026秋", amount="-1", donor="x",
                                paid_on=care.today)
    assert "必须大于零" in _msg(exc, "amount")
    assert SpringBudAid.objects.get().amount == Decimal("600.50")


def test_spring_bud_needs_guardian_consent_for_a_child_under_14(care, tree, personas):
    girl = make_person(tree.village_a, "李小苗", birth=_years_ago(9))
    with pytest.raises(ValidationError) as exc:
        services.spring_bud_register(by=personas.chair, person=girl, school="东塘小学", grade="三年级",
                                     registered_on=care.today)
    assert "处理依据" in _msg(exc, "person")
    boy = make_person(tree.village_a, "李小虎", birth=_years_ago(9), female=False)
    with pytest.raises(ValidationError):
        services.spring_bud_register(by=personas.chair, person=boy, school="x", grade="x", registered_on=care.today)


# ---- 普查 ------------------------------------------------------------------------------------------

def test_census_once_per_unit_and_year_and_children_only(care, tree, personas):
    with pytest.raises(ValidationError) as exc:
        services.census_round_create(by=personas.chair, unit=tree.township, year=care.census.year, name="")
    assert "已建立" in _msg(exc, "year")
    with pytest.raises(ValidationError) as exc:
        services.census_child_add(by=personas.chair, census=care.census, child=care.woman, guardian="x")
    assert "未满十八周岁" in _msg(exc, "child")
    outsider = make_person(tree.village_c, "赵小西", birth=_years_ago(8))
    with pytest.raises(ValidationError) as exc:
        services.census_child_add(by=personas.county, census=care.census, child=outsider, guardian="x")
    assert "不在本次普查" in _msg(exc, "child")


def test_withdrawn_guardian_consent_stops_new_census_entries(care, tree, personas):
    from banbiantian.care.models import Consent

    consent = Consent.objects.get(person=care.girl, kind="minor")
    services.consent_withdraw(by=personas.chair, consent=consent, withdrawn_on=care.today)
    next_year = services.census_round_create(by=personas.chair, unit=tree.township, year=care.census.year + 1,
                                             name="")
    with pytest.raises(ValidationError):
        services.census_child_add(by=personas.chair, census=next_year, child=care.girl, guardian="王秀英")


def test_village_adds_her_children_to_the_township_census(care, tree, personas, login):
    child = make_person(tree.village_a, "王小宝", birth=_years_ago(15), female=False)  # 14+: no guardian consent needed
    home = services.childrens_home_create(by=personas.village_a, unit=tree.village_a, name="东塘村儿童之家")
    response = login(personas.village_a).post(reverse("care:census_child_add", args=[care.census.pk]), {
        "child": child.pk, "guardian": "王奶奶", "father_whereabouts": "江苏苏州", "home": home.pk})
    assert response.status_code == 302
    row = CensusChild.objects.get(child=child)
    assert row.home == home and row.father_whereabouts == "江苏苏州"
    body = login(personas.village_b).get(reverse("care:census_round", args=[care.census.pk])).content.decode()
    assert "王小宝" not in body  # village B sees the round, not village A's children


# ---- 保险 --------------------------------------------------------------------------------------------

def test_insurance_policy_and_claims(care, personas, login):
    with pytest.raises(ValidationError) as exc:
        services.insurance_policy_create(by=personas.chair, person=care.woman, year=care.today.year, insurer="x",
                                         premium="50", paid_by="self")
    assert "已投保" in _msg(exc, "year")
    with pytest.raises(ValidationError) as exc:
        services.insurance_policy_create(by=personas.chair, person=care.helper, year=care.today.year, insurer="x",
                                         premium="50", paid_by="donor")
    assert "捐赠人" in _msg(exc, "payer")
    with pytest.raises(ValidationError) as exc:
        services.insurance_claim_create(by=personas.chair, policy=care.insurance, date=care.today, reason="住院",
                                        amount_paid="0.001")
    assert "amount_paid" in exc.value.message_dict
    services.insurance_claim_create(by=personas.chair, policy=care.insurance, date=care.today, reason="住院",
                                    amount_paid="3000")
    services.insurance_claim_create(by=personas.chair, policy=care.insurance, date=care.today, reason="复查",
                                    amount_paid="500.5")
    row = selectors.insurance_list(user=personas.chair).get(pk=care.insurance.pk)
    assert (row.claims_count, row.claims_paid) == (2, Decimal("3500.50"))
    assert InsuranceClaim.objects.count() == 2
    assert "3500.50" in login(personas.viewer).get(reverse("care:insurance")).content.decode()


def test_insurance_add_view(care, personas, login):
    response = login(personas.village_a).post(reverse("care:insurance_add", args=[care.helper.pk]), {
        "year": care.today.year, "insurer": "中国人寿", "premium": "30.005", "paid_by": "self"})
    assert response.status_code == 200 and "最多保留两位小数" in response.content.decode()
