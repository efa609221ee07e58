"""Donations ledger: Spring Bud aid and insurance premiums paid from a fund are money out of it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from banbiantian.care import services
from banbiantian.care.models import FundEntry, InsurancePolicy, SpringBudAid
from banbiantian.care.services import fund_balance
from banbiantian.conftest import make_person


def test_spring_bud_aid_from_a_fund_is_money_out(care, personas):
    # The fund had 1000 in and 200 out (the benefit): 800 left.
    aid = services.spring_bud_aid(by=personas.chair, girl=care.spring_bud, term="2026春", amount="500", donor="某企业",
                                  paid_on=care.today, fund=care.fund)
    entry = aid.fund_entry
    assert (entry.direction, entry.amount, entry.party, entry.fund) == ("out", Decimal("500.00"), "王小春", care.fund)
    assert "春蕾助学 2026春" in entry.purpose
    assert fund_balance(fund=care.fund) == Decimal("300.00")


def test_an_overdraft_needs_a_reason_and_nothing_is_written_without_one(care, personas):
    with pytest.raises(ValidationError) as exc:
        services.spring_bud_aid(by=personas.chair, girl=care.spring_bud, term="2026春", amount="900", donor="x",
                                paid_on=care.today, fund=care.fund)
    assert "余额800.00元" in str(exc.value) and "透支原因" in str(exc.value)
    assert not SpringBudAid.objects.exists()
    services.spring_bud_aid(by=personas.chair, girl=care.spring_bud, term="2026春", amount="900", donor="x",
                            paid_on=care.today, fund=care.fund, overdraw_reason="县妇联拨款在途")
    assert fund_balance(fund=care.fund) == Decimal("-100.00")
    assert FundEntry.objects.get(spring_bud_aid__isnull=False).overdraw_reason == "县妇联拨款在途"


def test_insurance_premium_paid_by_the_federation_from_a_fund(care, tree, personas):
    woman = make_person(tree.village_a, "钱投保")
    policy = services.insurance_policy_create(by=personas.chair, person=woman, year=care.today.year, insurer="人保",
                                              premium="80.00", paid_by="federation", fund=care.fund)
    assert policy.fund_entry.amount == Decimal("80.00") and policy.fund_entry.party == "钱投保"
    assert fund_balance(fund=care.fund) == Decimal("720.00")
    # Her own premium is not the fund's money; a refused policy leaves no ledger line.
    other = make_person(tree.village_a, "孙自缴")
    with pytest.raises(ValidationError) as exc:
        services.insurance_policy_create(by=personas.chair, person=other, year=care.today.year, insurer="人保",
                                         premium="80.00", paid_by="self", fund=care.fund)
    assert "本人缴纳的保费不从善款中支出" in str(exc.value)
    with pytest.raises(ValidationError):
        services.insurance_policy_create(by=personas.chair, person=other, year=care.today.year, insurer="人保",
                                         premium="900.00", paid_by="donor", payer="某企业", fund=care.fund)
    assert not InsurancePolicy.objects.filter(person=other).exists()
    assert fund_balance(fund=care.fund) == Decimal("720.00")


def test_a_fund_outside_the_users_unit_is_refused(care, tree, personas):
    county_fund = services.fund_create(by=personas.county, unit=tree.county, name="县级基金")
    services.fund_entry_create(by=personas.county, fund=county_fund, direction="in", date=care.today, party="x",
                               amount="5000")
    with pytest.raises(ValidationError) as exc:
        services.spring_bud_aid(by=personas.chair, girl=care.spring_bud, term="2026秋", amount="100", donor="x",
                                paid_on=care.today, fund=county_fund)
    assert "不在您的管辖范围内" in str(exc.value)
    assert fund_balance(fund=county_fund) == Decimal("5000.00")


def test_paying_aid_from_a_fund_through_the_page(care, personas, login):
    client = login(personas.chair)
    client.post(reverse("care:springbud_aid", args=[care.spring_bud.pk]), {
        "term": "2026春", "amount": "300", "donor": "某企业", "paid_on": care.today.isoformat(), "fund": care.fund.pk})
    assert fund_balance(fund=care.fund) == Decimal("500.00")
    body = client.get(reverse("care:fund", args=[care.fund.pk])).content.decode()
    assert "春蕾助学 2026春" in body
