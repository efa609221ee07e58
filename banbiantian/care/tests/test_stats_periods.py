"""Statistics for any unit in scope and any period; the running totals kept by the services."""

from django.urls import reverse

from banbiantian.care.metrics import DIRECT
from banbiantian.core.metrics import Period, compute


def test_running_totals_kept_by_the_services_equal_the_records(care, tree):
    units = [tree.county, tree.township, tree.other_township, tree.village_a, tree.village_b]
    for period in (Period("year", care.today.year), Period.of("quarter", care.today), Period.of("month", care.today)):
        got = compute(list(DIRECT), units, period)
        for key, direct in DIRECT.items():
            expected = direct(units, period)
            assert {u.pk: got[key][u.pk] for u in units} == {u.pk: expected.get(u.pk, 0) for u in units}, key


def test_the_county_asks_for_a_village_and_a_quarter(care, tree, personas, login):
    quarter = Period.of("quarter", care.today)
    body = login(personas.county).get(reverse("care:stats"), {
        "unit": tree.village_a.pk, "year": quarter.year, "kind": "quarter", "number": quarter.number}).content.decode()
    assert f"东塘村 {quarter.label}关爱帮扶统计" in body
    # 王秀英: a 200 yuan benefit and the round's goods (100) in the same quarter: one person, two times.
    assert "期内受助 1 人、2 人次，现金 200.00 元，物品折价 100.00 元" in body
    other = login(personas.county).get(reverse("care:stats"), {"unit": tree.village_b.pk, "year": quarter.year,
                                                               "kind": "quarter", "number": quarter.number})
    assert "期内受助 0 人" in other.content.decode()


def test_a_wrong_period_number_is_named_and_a_unit_outside_scope_is_not_offered(care, tree, personas, login):
    body = login(personas.chair).get(reverse("care:stats"), {"kind": "quarter", "number": 7}).content.decode()
    assert "第几期应在1至4之间" in body
    # The chair of 东塘镇 cannot ask for 西岭乡: the choice is refused and her own unit is shown.
    body = login(personas.chair).get(reverse("care:stats"), {"unit": tree.other_township.pk}).content.decode()
    assert "西岭乡" not in body.split("<h1")[1].split("</h1>")[0]
    assert f"东塘镇 {care.today.year}年关爱帮扶统计" in body


def test_the_workbook_names_the_period(care, tree, personas, login):
    import io

    from openpyxl import load_workbook

    month = Period.of("month", care.today)
    response = login(personas.chair).get(reverse("care:stats_xlsx"), {
        "year": month.year, "kind": "month", "number": month.number})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.cell(1, 4).value == month.label
    assert month.key in response["Content-Disposition"]


def _totals():
    from banbiantian.care.models import Tally

    return {(t.unit_id, t.period, t.key): t.value for t in Tally.objects.all() if t.value}


def test_rebuilding_gives_the_totals_the_services_kept(care, tree, personas):
    import datetime

    import pytest
    from django.core.exceptions import ValidationError

    from banbiantian.care import services, tally
    from banbiantian.conftest import make_person

    chair = personas.chair
    other = make_person(tree.village_b, "赵结对")
    pairing = services.pairing_create(by=chair, helper=care.helper, beneficiary=other, helper_kind="cadre",
                                      start_date=care.today - datetime.timedelta(days=120))
    services.visit_create(by=chair, pairing=care.pairing, date=care.today, kind="call", done="电话")
    services.visit_create(by=chair, pairing=pairing, date=care.today - datetime.timedelta(days=100), kind="home",
                          done="走访")
    with pytest.raises(ValidationError):
        services.pairing_end(by=chair, pairing=pairing, end_date=datetime.date.today() + datetime.timedelta(days=1))
    services.pairing_end(by=chair, pairing=care.pairing, end_date=care.today)
    services.enrolment_transition(by=chair, enrolment=care.enrolment, to="reviewing")
    services.enrolment_create(by=chair, programme=care.programme, person=other)
    kept = _totals()
    tally.rebuild()
    assert _totals() == kept
    now = tally.now_counts(tree.township, care.today - datetime.timedelta(days=90))
    assert now == {"active": 1, "overdue": 1, "waiting": 2}  # 赵结对's, last seen 100 days ago


def test_an_approved_relief_grant_counts_on_the_day_it_is_decided(care, tree, personas):
    from django.utils import timezone

    from banbiantian.care import services
    from banbiantian.core import metrics

    today = timezone.localdate()
    year = Period("year", today.year)
    assert metrics.value("care.relief_approved", tree.township, year) == 0
    for to in ("reviewing", "approved"):
        services.relief_transition(by=personas.county, application=care.relief, to=to)
    care.relief.refresh_from_db()
    assert care.relief.decided_on == today
    assert metrics.value("care.relief_approved", tree.county, year) == 1
    assert metrics.value("care.relief_amount", tree.township, year) == care.relief.amount
    assert metrics.value("care.relief_approved", tree.other_township, year) == 0
