import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from banbiantian.care import selectors, services
from banbiantian.care.models import (
    Benefit,
    EnrolmentStep,
    FundEntry,
    HolidayRound,
    Kind,
    ReliefApplication,
    Status,
)
from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry


def _message(exc_info, field):
    return " ".join(exc_info.value.message_dict[field])


# ---- money -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, reason", [
    ("0", "必须大于零"), ("-5", "必须大于零"), ("1.234", "最多保留两位小数"), ("abc", "不是有效的金额"),
    (12.5, "必须是精确的金额"), ("", "不能为空"),
])
def test_money_is_refused_with_the_field_and_reason(value, reason):
    with pytest.raises(ValidationError) as exc:
        services.clean_money(value=value, field="cash", label="现金")
    assert reason in _message(exc, "cash") and "现金" in _message(exc, "cash")


def test_money_accepts_cents():
    assert services.clean_money(value="12.5", field="cash", label="现金") == Decimal("12.50")


# ---- enrolment flow -----------------------------------------------------------------------------

def test_enrolment_flow_with_reasons(care, personas):
    e = care.enrolment
    services.enrolment_transition(by=personas.chair, enrolment=e, to=Status.REVIEWING)
    services.enrolment_transition(by=personas.chair, enrolment=e, to=Status.APPROVED, reason="符合条件")
    services.enrolment_transition(by=personas.chair, enrolment=e, to=Status.ENDED, reason="已脱困")
    e.refresh_from_db()
    assert e.status == Status.ENDED
    steps = list(EnrolmentStep.objects.filter(enrolment=e).values_list("to_status", "reason"))
    assert steps == [("applied", "单亲特困"), ("reviewing", ""), ("approved", "符合条件"), ("ended", "已脱困")]


def test_enrolment_cannot_skip_review_and_refusal_needs_reason(care, personas):
    with pytest.raises(ValidationError) as exc:
        services.enrolment_transition(by=personas.chair, enrolment=care.enrolment, to=Status.APPROVED)
    assert "不能直接变为" in _message(exc, "status")
    services.enrolment_transition(by=personas.chair, enrolment=care.enrolment, to=Status.REVIEWING)
    with pytest.raises(ValidationError) as exc:
        services.enrolment_transition(by=personas.chair, enrolment=care.enrolment, to=Status.REJECTED, reason=" ")
    assert "必须填写理由" in _message(exc, "reason")
    services.enrolment_transition(by=personas.chair, enrolment=care.enrolment, to=Status.REJECTED, reason="收入超标")
    with pytest.raises(ValidationError):
        services.enrolment_transition(by=personas.chair, enrolment=care.enrolment, to=Status.APPROVED)


def test_village_director_submits_but_cannot_decide(care, personas):
    services.enrolment_transition(by=personas.village_a, enrolment=care.enrolment, to=Status.REVIEWING)
    with pytest.raises(PermissionDenied):
        services.enrolment_transition(by=personas.village_a, enrolment=care.enrolment, to=Status.APPROVED,
                                      reason="x")


def test_enrolment_refused_outside_programme_unit_and_twice(care, tree, personas):
    outsider = make_person(tree.village_c, "赵西岭")
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(by=personas.county, programme=care.programme, person=outsider)
    assert "不在项目" in _message(exc, "person")
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(by=personas.chair, programme=care.programme, person=care.woman)
    assert "已在该项目中" in _message(exc, "person")


# ---- benefits, funds, rounds ----------------------------------------------------------------------

def test_benefit_to_person_outside_programme_unit_is_refused(care, tree, personas):
    outsider = make_person(tree.village_c, "赵西岭")
    with pytest.raises(ValidationError) as exc:
        services.benefit_create(by=personas.county, programme=care.programme, person=outsider, given_on=care.today,
                                cash="100", delivered_by="县妇联")
    assert "不在项目" in _message(exc, "person")
    assert not Benefit.objects.filter(person=outsider).exists()


def test_benefit_needs_cash_or_goods(care, personas):
    with pytest.raises(ValidationError) as exc:
        services.benefit_create(by=personas.chair, programme=care.programme, person=care.woman, given_on=care.today,
                                delivered_by="张")
    assert "现金金额或发放的物品" in _message(exc, "cash")


def test_fund_balance_never_below_zero_without_reason(care, personas):
    assert services.fund_balance(fund=care.fund) == Decimal("800.00")  # 1000 in, 200 paid to 王秀英
    with pytest.raises(ValidationError) as exc:
        services.fund_entry_create(by=personas.chair, fund=care.fund, direction="out", date=care.today,
                                   party="医院", amount="800.01")
    assert "余额800.00元" in _message(exc, "amount")
    services.fund_entry_create(by=personas.chair, fund=care.fund, direction="out", date=care.today, party="医院",
                               amount="900", overdraw_reason="县妇联先行垫付，下月拨回")
    assert services.fund_balance(fund=care.fund) == Decimal("-100.00")


def test_benefit_paid_from_fund_is_refused_when_it_would_overdraw(care, personas):
    with pytest.raises(ValidationError):
        services.benefit_create(by=personas.chair, programme=care.programme, person=care.woman, given_on=care.today,
                                cash="800.01", fund=care.fund, delivered_by="张")
    assert services.fund_balance(fund=care.fund) == Decimal("800.00")
    assert Benefit.objects.filter(person=care.woman).count() == 2  # the fixture's two only


def test_round_records_everyone_with_fund_entries(care, tree, personas):
    people = [make_person(tree.village_a, f"慰问{i}") for i in range(5)]
    round_ = services.holiday_round_record(by=personas.chair, unit=tree.township, programme=care.programme,
                                           name="2026三八慰问", date=care.today, people=people, cash="100.00",
                                           goods="慰问品", goods_value="50", fund=care.fund, delivered_by="张主席")
    assert round_.recipients == 5
    assert Benefit.objects.filter(round=round_, cash=Decimal("100.00")).count() == 5
    assert FundEntry.objects.filter(benefit__round=round_, direction="out").count() == 5
    assert services.fund_balance(fund=care.fund) == Decimal("300.00")


def test_failed_round_leaves_no_partial_payments(care, tree, personas):
    people = [make_person(tree.village_a, f"慰问{i}") for i in range(3)] + [make_person(tree.village_c, "赵西岭")]
    before = (Benefit.objects.count(), FundEntry.objects.count(), HolidayRound.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.holiday_round_record(by=personas.county, unit=tree.county, programme=care.programme, name="x",
                                      date=care.today, people=people, cash="10", delivered_by="县")
    assert "赵西岭" in _message(exc, "people")
    people = people[:3]
    with pytest.raises(ValidationError):  # 3 × 300 > 800 left in the fund
        services.holiday_round_record(by=personas.chair, unit=tree.township, programme=care.programme, name="x",
                                      date=care.today, people=people, cash="300", fund=care.fund, delivered_by="县")
    assert (Benefit.objects.count(), FundEntry.objects.count(), HolidayRound.objects.count()) == before


# ---- pairing ---------------------------------------------------------------------------------------

def test_overdue_is_90_days_without_a_visit(care, tree, personas):
    today = datetime.date(2026, 6, 30)
    woman = make_person(tree.village_a, "孙贫母")
    started_91 = services.pairing_create(by=personas.chair, helper=care.helper, beneficiary=woman,
                                         helper_kind="cadre", start_date=today - datetime.timedelta(days=91))
    other = make_person(tree.village_a, "周贫母")
    started_90 = services.pairing_create(by=personas.chair, helper=care.helper, beneficiary=other,
                                         helper_kind="cadre", start_date=today - datetime.timedelta(days=90))
    overdue = set(selectors.pairing_list(user=personas.chair, overdue=True, today=today))
    assert started_91 in overdue and started_90 not in overdue
    services.visit_create(by=personas.chair, pairing=started_91, date=today - datetime.timedelta(days=89),
                          kind="home", done="送米面")
    assert started_91 not in set(selectors.pairing_list(user=personas.chair, overdue=True, today=today))
    services.pairing_end(by=personas.chair, pairing=care.pairing, end_date=care.today)
    assert care.pairing not in set(selectors.pairing_list(user=personas.chair, overdue=True, today=today))


def test_an_older_visit_does_not_move_last_contact_back(care, personas):
    last = care.pairing.last_contact_on
    services.visit_create(by=personas.chair, pairing=care.pairing, date=care.pairing.start_date, kind="call", done="电话")
    care.pairing.refresh_from_db()
    assert care.pairing.last_contact_on == last


def test_pairing_refuses_self_and_future(care, personas):
    with pytest.raises(ValidationError):
        services.pairing_create(by=personas.chair, helper=care.woman, beneficiary=care.woman, helper_kind="cadre",
                                start_date=care.today)
    with pytest.raises(ValidationError) as exc:
        services.visit_create(by=personas.chair, pairing=care.pairing, date=care.pairing.start_date
                              - datetime.timedelta(days=1), kind="home", done="x")
    assert "早于结对日期" in _message(exc, "date")


# ---- screening, relief, consent ------------------------------------------------------------------

def test_relief_needs_a_confirmed_result(care, tree, personas):
    woman = make_person(tree.village_a, "钱疑似")
    services.consent_record(by=personas.chair, person=woman, kind="health", basis="consent", given_on=care.today)
    result = services.screening_result_record(by=personas.chair, campaign=care.campaign, person=woman,
                                              result="suspected")
    with pytest.raises(ValidationError) as exc:
        services.relief_apply(by=personas.chair, result=result, policy=care.policy, category="低保对象", year=2026)
    assert "确诊" in _message(exc, "result")


def test_relief_criteria_are_the_policy_s(care, tree, personas):
    woman = make_person(tree.village_a, "吴早期")
    services.consent_record(by=personas.chair, person=woman, kind="health", basis="consent", given_on=care.today)
    result = services.screening_result_record(by=personas.chair, campaign=care.campaign, person=woman,
                                              result="confirmed", diagnosis="cervical_invasive", stage="IIA")
    with pytest.raises(ValidationError) as exc:
        services.relief_apply(by=personas.chair, result=result, policy=care.policy, category="低保对象", year=2026)
    assert "IIB" in _message(exc, "result")
    lenient = services.relief_policy_create(by=personas.county, unit=tree.county, name="某省", amount="8000",
                                            categories=["低保对象"], cervical_min_stage="IA")
    app = services.relief_apply(by=personas.chair, result=result, policy=lenient, category="低保对象", year=2026)
    assert app.amount == Decimal("8000.00")
    with pytest.raises(ValidationError) as exc:
        services.relief_apply(by=personas.chair, result=care.result, policy=care.policy, category="刚性支出困难",
                              year=2027)
    assert "不是本政策认定的低收入类别" in _message(exc, "category")


def test_no_double_payment_same_person_same_year(care, personas):
    with pytest.raises(ValidationError) as exc:
        services.relief_apply(by=personas.chair, result=care.result, policy=care.policy, category="特困人员",
                              year=care.relief.year)
    assert "不能重复救助" in _message(exc, "year")
    services.relief_transition(by=personas.chair, application=care.relief, to=Status.REJECTED, reason="材料不全")
    again = services.relief_apply(by=personas.chair, result=care.result, policy=care.policy, category="特困人员",
                                  year=care.relief.year)
    assert ReliefApplication.objects.filter(person=care.woman).count() == 2 and again.status == Status.APPLIED


def test_relief_status_flow(care, personas):
    for to in (Status.REVIEWING, Status.APPROVED):
        services.relief_transition(by=personas.chair, application=care.relief, to=to)
    with pytest.raises(ValidationError) as exc:
        services.relief_transition(by=personas.chair, application=care.relief, to=Status.ENDED, reason="已发放")
    assert "发放日期" in _message(exc, "paid_on")
    services.relief_transition(by=personas.chair, application=care.relief, to=Status.ENDED, reason="已发放",
                               paid_on=datetime.date.today())
    care.relief.refresh_from_db()
    assert care.relief.status == Status.ENDED and care.relief.paid_on == datetime.date.today()


def test_withdrawn_consent_stops_new_work(care, personas):
    services.consent_withdraw(by=personas.chair, consent=care.consent, withdrawn_on=care.today)
    campaign2 = services.campaign_create(by=personas.chair, unit=care.campaign.unit, name="复查", date=care.today,
                                         institution="县医院")
    with pytest.raises(ValidationError) as exc:
        services.screening_result_record(by=personas.chair, campaign=campaign2, person=care.woman, result="normal")
    assert "已撤回" in _message(exc, "person")
    services.relief_transition(by=personas.chair, application=care.relief, to=Status.REJECTED, reason="撤回同意")
    with pytest.raises(ValidationError):
        services.relief_apply(by=personas.chair, result=care.result, policy=care.policy, category="低保对象",
                              year=care.relief.year)


def test_guardian_consent_only_for_children_under_14(care, tree, personas):
    child = make_person(tree.village_a, "小芳", birth=datetime.date.today().replace(year=datetime.date.today().year - 8))
    with pytest.raises(ValidationError) as exc:
        services.consent_record(by=personas.chair, person=child, kind="minor", basis="consent", given_on=care.today)
    assert "监护人" in _message(exc, "basis")
    services.consent_record(by=personas.chair, person=child, kind="minor", basis="guardian", given_on=care.today)
    with pytest.raises(ValidationError):
        services.consent_record(by=personas.chair, person=care.woman, kind="health", basis="guardian",
                                given_on=care.today)


def test_health_result_needs_health_permission(care, personas):
    with pytest.raises(PermissionDenied):
        services.screening_result_record(by=personas.village_a, campaign=care.campaign, person=care.helper,
                                         result="normal")


def test_every_write_is_audited(care):
    types = set(AuditEntry.objects.values_list("object_type", flat=True))
    assert {"care.programme", "care.enrolment", "care.pairing", "care.benefit", "care.fund", "care.fundentry",
            "care.holidayround", "care.screeningcampaign", "care.consent", "care.screeningresult",
            "care.reliefpolicy", "care.reliefapplication"} <= types


def test_programme_refuses_bad_budget_and_foreign_unit(tree, personas):
    with pytest.raises(ValidationError) as exc:
        services.programme_create(by=personas.chair, unit=tree.township,
            name="x", kind=Kind.OTHER, year=2026, budget="10.001")
    assert "最多保留两位小数" in _message(exc, "budget")
    with pytest.raises(ValidationError):
        services.programme_create(by=personas.chair, unit=tree.other_township,
            name="x", kind=Kind.OTHER, year=2026)


def test_only_the_fund_s_keeper_pays_from_it(care, personas):
    with pytest.raises(ValidationError) as exc:
        services.benefit_create(by=personas.village_a, programme=care.programme, person=care.woman,
                                given_on=care.today, cash="10", fund=care.fund, delivered_by="村")
    assert "资金不在您的管辖范围内" in _message(exc, "fund")
