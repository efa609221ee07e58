"""Correcting care records: money by a counter-entry, never edited or deleted; other records by an audited
edit or a void; voided and reversed records drop out of every figure; another unit's record is a 404."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from banbiantian.care import metrics as care_metrics  # noqa: F401  (registers the metrics)
from banbiantian.care import services, tally
from banbiantian.care.models import (
    Benefit,
    CensusChild,
    FundEntry,
    Result,
    ScreeningResult,
    SpringBudAid,
    Status,
)
from banbiantian.conftest import make_person
from banbiantian.core import metrics
from banbiantian.core.metrics import Period
from banbiantian.core.models import AuditEntry


def _year(care):
    return Period("year", care.today.year)


def _figure(key, unit, care):
    return metrics.value(f"care.{key}", unit, _year(care))


def _tally_matches_records():
    """The running totals equal a rebuild from the records (nothing left behind by a correction)."""
    from banbiantian.care.models import Tally

    before = {(t.unit_id, t.period, t.key): t.value for t in Tally.objects.all() if t.value}
    tally.rebuild()
    after = {(t.unit_id, t.period, t.key): t.value for t in Tally.objects.all() if t.value}
    assert before == after


def test_a_benefit_is_reversed_by_a_counter_entry_and_drops_out_of_the_figures(care, personas, tree):
    assert _figure("benefit_cash", tree.township, care) == Decimal("200.00")
    assert _figure("people_reached", tree.township, care) == 1
    counter = services.benefit_reverse(by=personas.chair, benefit=care.benefit, reason="重复登记")
    care.benefit.refresh_from_db()
    # The original keeps its amount; the counter-entry carries the negated one; both are listed.
    assert care.benefit.cash == Decimal("200.00") and care.benefit.reversed_at is not None
    assert counter.cash == Decimal("-200.00") and counter.reverses == care.benefit
    assert Benefit.objects.filter(person=care.woman).count() == 3  # the round's, the original, the counter-entry
    # The fund that paid it gets its money back by a counter-entry of its own.
    assert services.fund_balance(fund=care.fund) == Decimal("1000.00")
    assert FundEntry.objects.filter(fund=care.fund, benefit=counter, amount=Decimal("-200.00")).exists()
    # No figure counts either; the holiday round's goods still count her as reached.
    assert _figure("benefit_cash", tree.township, care) == 0
    assert _figure("benefits_given", tree.township, care) == 1
    assert _figure("people_reached", tree.township, care) == 1
    assert _figure("benefit_cash_from_funds", tree.township, care) == 0
    _tally_matches_records()
    entry = AuditEntry.objects.get(object_type="care.benefit", object_id=str(care.benefit.pk),
                                   action=AuditEntry.Action.UPDATE)
    assert entry.changes["cash"] == ["200.00", "-200.00"] and entry.changes["reverse_reason"] == [None, "重复登记"]
    with pytest.raises(ValidationError):
        services.benefit_reverse(by=personas.chair, benefit=care.benefit, reason="again")
    with pytest.raises(ValidationError):
        services.benefit_reverse(by=personas.chair, benefit=counter, reason="a counter-entry is never reversed")


def test_the_only_benefit_of_a_person_reversed_takes_her_out_of_people_reached(care, personas, tree):
    other = make_person(tree.village_b, "陈红")
    b = services.benefit_create(by=personas.chair, programme=care.programme, person=other, given_on=care.today,
                                cash="50", delivered_by="x")
    assert _figure("people_reached", tree.township, care) == 2
    services.benefit_reverse(by=personas.chair, benefit=b, reason="登记错人")
    assert _figure("people_reached", tree.township, care) == 1
    assert _figure("people_reached", tree.village_b, care) == 0
    _tally_matches_records()


def test_fund_entry_reversal_and_entries_paid_for_help_are_reversed_at_their_source(care, personas, tree):
    donation = FundEntry.objects.get(fund=care.fund, direction="in")
    assert _figure("donations_in", tree.township, care) == Decimal("1000.00")
    services.fund_entry_reverse(by=personas.chair, entry=donation, reason="未到账")
    assert services.fund_balance(fund=care.fund) == Decimal("-200.00")  # the benefit paid out stays paid
    assert _figure("donations_in", tree.township, care) == 0
    paid = FundEntry.objects.get(benefit=care.benefit)
    with pytest.raises(ValidationError) as exc:
        services.fund_entry_reverse(by=personas.chair, entry=paid, reason="x")
    assert "原记录" in exc.value.messages[0]


def test_spring_bud_aid_and_claims_reversed_leave_the_figures_and_the_term_free(care, personas, tree):
    aid = services.spring_bud_aid(by=personas.chair, girl=care.spring_bud, term="2026春", amount="500",
                                  donor="某企业", paid_on=care.today)
    claim = services.insurance_claim_create(by=personas.chair, policy=care.insurance, date=care.today,
                                            reason="住院", amount_paid="800")
    assert _figure("spring_bud_aid_amount", tree.township, care) == Decimal("500.00")
    assert _figure("insurance_claims_paid", tree.township, care) == Decimal("800.00")
    services.spring_bud_aid_reverse(by=personas.chair, aid=aid, reason="金额有误")
    services.insurance_claim_reverse(by=personas.chair, claim=claim, reason="撤销赔付")
    assert _figure("spring_bud_aid_amount", tree.township, care) == 0
    assert _figure("spring_bud_girls_aided", tree.township, care) == 0
    assert _figure("insurance_claims_paid", tree.township, care) == 0
    # The term can be paid again with the right amount.
    services.spring_bud_aid(by=personas.chair, girl=care.spring_bud, term="2026春", amount="600", donor="某企业",
                            paid_on=care.today)
    assert _figure("spring_bud_aid_amount", tree.township, care) == Decimal("600.00")
    assert SpringBudAid.objects.filter(girl=care.spring_bud).count() == 3


def test_a_result_corrected_after_follow_up_can_apply_for_relief_and_the_figures_follow(care, personas, tree):
    woman = make_person(tree.village_a, "孙丽")
    services.consent_record(by=personas.chair, person=woman, kind="health", basis="consent", given_on=care.today)
    result = services.screening_result_record(by=personas.chair, campaign=care.campaign, person=woman,
                                              result=Result.REVIEW)
    with pytest.raises(ValidationError):
        services.relief_apply(by=personas.chair, result=result, policy=care.policy, category="特困人员",
                              year=care.today.year + 1)
    assert _figure("screening_confirmed", tree.township, care) == 1
    services.screening_result_update(by=personas.chair, result=result, outcome=Result.CONFIRMED,
                                     diagnosis="breast_invasive", follow_up="复查确诊")
    assert _figure("screening_confirmed", tree.township, care) == 2
    assert _figure("screening_followed_up", tree.township, care) == 1
    app = services.relief_apply(by=personas.chair, result=result, policy=care.policy, category="特困人员",
                                year=care.today.year)
    assert app.status == Status.APPLIED
    _tally_matches_records()
    entry = AuditEntry.objects.filter(object_type="care.screeningresult", object_id=str(result.pk),
                                      action=AuditEntry.Action.UPDATE).get()
    # The log names the fields changed, never the health data itself.
    assert set(entry.changes["fields"]) == {"结果", "确诊类型", "随访情况"}
    assert "breast_invasive" not in str(entry.changes)
    with pytest.raises(ValidationError):  # a result with a live relief application stays confirmed
        services.screening_result_update(by=personas.chair, result=result, outcome=Result.NORMAL)


def test_a_voided_result_drops_out_and_the_woman_can_be_recorded_again(care, personas, tree):
    woman = make_person(tree.village_a, "孙丽")
    services.consent_record(by=personas.chair, person=woman, kind="health", basis="consent", given_on=care.today)
    result = services.screening_result_record(by=personas.chair, campaign=care.campaign, person=woman,
                                              result=Result.NORMAL)
    assert _figure("screened", tree.township, care) == 2
    services.screening_result_void(by=personas.chair, result=result, reason="录错人")
    assert _figure("screened", tree.township, care) == 1
    services.screening_result_record(by=personas.chair, campaign=care.campaign, person=woman, result=Result.REVIEW)
    assert ScreeningResult.objects.filter(person=woman).count() == 2
    with pytest.raises(ValidationError):  # her relief application keeps the confirmed result
        services.screening_result_void(by=personas.chair, result=care.result, reason="x")
    _tally_matches_records()


def test_visit_corrected_and_voided_moves_the_last_contact(care, personas, tree):
    start = care.pairing.start_date
    visit = services.visit_create(by=personas.village_a, pairing=care.pairing, date=care.today, kind="home",
                                  done="送米")
    assert _figure("pairing_visits", tree.township, care) == 1
    services.visit_update(by=personas.village_a, visit=visit, date=start + datetime.timedelta(days=2), kind="call",
                          done="电话问候")
    care.pairing.refresh_from_db()
    assert care.pairing.last_contact_on == start + datetime.timedelta(days=2)
    entry = AuditEntry.objects.get(object_type="care.visit", object_id=str(visit.pk), action=AuditEntry.Action.UPDATE)
    assert entry.changes["done"] == ["送米", "电话问候"] and entry.changes["kind"] == ["home", "call"]
    services.visit_void(by=personas.village_a, visit=visit, reason="记错了")
    care.pairing.refresh_from_db()
    assert care.pairing.last_contact_on == start
    assert _figure("pairing_visits", tree.township, care) == 0
    _tally_matches_records()


def test_census_child_corrected_voided_and_carried_over(care, personas, tree):
    row = care.census_child
    services.census_child_update(by=personas.village_a, row=row, guardian="祖母", mother_whereabouts="浙江杭州")
    entry = AuditEntry.objects.get(object_type="care.censuschild", object_id=str(row.pk),
                                   action=AuditEntry.Action.UPDATE)
    assert entry.changes == {"guardian": ["王秀英", "祖母"], "mother_whereabouts": ["浙江义乌", "浙江杭州"]}
    nxt = services.census_round_create(by=personas.chair, unit=care.census.unit, year=care.census.year + 1, name="")
    carried, skipped = services.census_carry_over(by=personas.chair, census=nxt, rows=[row])
    assert (carried, skipped) == (1, [])
    copy = CensusChild.objects.get(round=nxt)
    assert (copy.child, copy.guardian, copy.mother_whereabouts) == (care.girl, "祖母", "浙江杭州")
    assert services.census_carry_over(by=personas.chair, census=nxt, rows=[row])[0] == 0  # already there
    assert _figure("left_behind_children", tree.township, care) == 1
    services.census_child_void(by=personas.chair, row=row, reason="已随母亲外出")
    assert _figure("left_behind_children", tree.township, care) == 0


def test_policy_voided_returns_a_premium_paid_from_a_fund(care, personas, tree):
    other = make_person(tree.village_a, "周芳")
    policy = services.insurance_policy_create(by=personas.chair, person=other, year=care.today.year, insurer="x",
                                              premium="50", paid_by="federation", fund=care.fund)
    assert services.fund_balance(fund=care.fund) == Decimal("750.00")
    assert _figure("insurance_policies", tree.township, care) == 2
    services.insurance_policy_void(by=personas.chair, policy=policy, reason="重复投保")
    assert services.fund_balance(fund=care.fund) == Decimal("800.00")
    assert _figure("insurance_policies", tree.township, care) == 1
    # She can be insured again for the year.
    services.insurance_policy_create(by=personas.chair, person=other, year=care.today.year, insurer="x",
                                     premium="40", paid_by="self")


def test_another_units_records_are_404_to_correct(care, personas, login):
    aid = services.spring_bud_aid(by=personas.chair, girl=care.spring_bud, term="2026春", amount="500",
                                  donor="某企业", paid_on=care.today)
    visit = services.visit_create(by=personas.chair, pairing=care.pairing, date=care.today, kind="home", done="送米")
    client = login(personas.village_b)
    for name, pk, data in (("care:benefit_reverse", care.benefit.pk, {"reason": "x"}),
                           ("care:springbud_aid_reverse", aid.pk, {"reason": "x"}),
                           ("care:visit_edit", visit.pk, {"date": str(care.today), "kind": "call", "done": "x"}),
                           ("care:visit_void", visit.pk, {"reason": "x"}),
                           ("care:census_child_void", care.census_child.pk, {"reason": "x"}),
                           ("care:insurance_void", care.insurance.pk, {"reason": "x"})):
        assert client.post(reverse(name, args=[pk]), data).status_code == 404, name
    care.benefit.refresh_from_db()
    assert care.benefit.reversed_at is None
    # The viewer may not correct at all.
    assert login(personas.viewer).post(reverse("care:benefit_reverse", args=[care.benefit.pk]),
                                       {"reason": "x"}).status_code == 403


def test_a_reversal_needs_a_reason(care, personas, login):
    response = login(personas.chair).post(reverse("care:benefit_reverse", args=[care.benefit.pk]), {"reason": " "})
    assert response.status_code == 200 and "请填写原因" in response.content.decode()
    care.benefit.refresh_from_db()
    assert care.benefit.reversed_at is None


def test_waiting_applications_page_matches_the_dashboard_tile(care, personas, tree, login):
    from banbiantian.care.dashboard import care_panel

    other = make_person(tree.village_b, "陈红")
    services.enrolment_create(by=personas.chair, programme=care.programme, person=other, reason="")
    decided = make_person(tree.village_b, "林芳")
    e = services.enrolment_create(by=personas.chair, programme=care.programme, person=decided, reason="")
    services.enrolment_transition(by=personas.chair, enrolment=e, to=Status.REJECTED, reason="不符合条件")
    for persona, expected in ((personas.chair, {"王秀英", "陈红"}), (personas.village_b, {"陈红"})):
        tile = {c["label"]: c for c in care_panel(persona)["cards"]}["待审核的帮扶申请"]
        assert tile["url"] == reverse("care:applications")
        page = login(persona).get(tile["url"]).content.decode()
        assert f"共 {tile['value']} 份申请等待审核" in page and tile["value"] == len(expected)
        for name in expected:
            assert name in page
        assert "林芳" not in page


def test_relief_paid_figure_counts_by_the_payment_date(care, personas, tree):
    for to in (Status.REVIEWING, Status.APPROVED):
        services.relief_transition(by=personas.county, application=care.relief, to=to)
    paid = datetime.date.today()
    services.relief_transition(by=personas.chair, application=care.relief, to=Status.ENDED, reason="已发放",
                               paid_on=paid)
    assert metrics.value("care.relief_paid_amount", tree.township, Period("year", paid.year)) == Decimal("10000.00")
    assert metrics.value("care.relief_paid_amount", tree.township, Period("year", paid.year - 1)) == 0


def test_pairing_with_a_cadre(care, personas, tree):
    woman = make_person(tree.village_a, "赵玉梅")
    pairing = services.pairing_create(by=personas.chair, beneficiary=woman, helper_user=personas.village_a,
                                      helper_kind="cadre", start_date=care.today)
    assert pairing.helper_name == "village_a"
    with pytest.raises(ValidationError):
        services.pairing_create(by=personas.chair, beneficiary=woman, helper_user=personas.village_a,
                                helper_kind="volunteer", start_date=care.today)
    with pytest.raises(ValidationError):  # a cadre of another township is not hers to assign
        services.pairing_create(by=personas.chair, beneficiary=woman, helper_user=personas.other_chair,
                                helper_kind="cadre", start_date=care.today)
