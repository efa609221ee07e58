"""The rights metrics on a hand-built fixture whose right answers are worked out below."""

import datetime

import pytest
from django.utils import timezone

from banbiantian.conftest import make_person
from banbiantian.core import metrics
from banbiantian.core.metrics import Period
from banbiantian.rights import services
from banbiantian.rights.metrics import Span
from banbiantian.rights.models import Case, DisputeScreening
from banbiantian.rights.stats import case_stats

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = Period("year", 2025)


@pytest.fixture
def world(tree, personas, other_chair, county_rights, new_case, category, dv_category):
    """
    东塘镇 (chair registers; the county rights officer approves closes):
      A received 2025-03-01, accepted 03-02 (due 05-01), closed 04-20 on time, satisfied; mediation 03-10 agreement
      B received 2025-11-20, accepted 11-21 (due 2026-01-20), closed 2026-01-10 (after 2025) — not satisfied
      C received 2024-12-30, accepted 2025-01-02 (due 03-03), closed 03-15 LATE, satisfaction not asked
      D received 2025-06-01, DV high risk, accepted 06-01, open; order granted 06-05; mediation 06-10, no agreement
      E received 2025-07-01, same matter as A, skip-level, rejected 07-02
    西岭乡 (other chair):
      F received 2025-02-01, DV danger, confidential, accepted 02-02, closed 03-01 on time, satisfied
      G received 2025-05-05, skip-level, only registered
    Screening: 东塘村 2025-01 found 3 / resolved 2 / escalated 1; 桥头村 2025-01 none found;
      西岭村 2025-02 found 2 / resolved 2; 东塘村 2024-12 found 5 (outside 2025).

    2025, 东塘镇: received A B D E = 4; accepted A B C D = 4; rejected E = 1; accepted and closed by the year's
      end A C = 2 (B closed in 2026 does not count in 2025); closed A C = 2; on time A = 1; asked A = 1;
      satisfied A = 1; repeat E = 1; skip E = 1; DV D = 1 (high), accepted 1; orders applied 1, granted 1;
      mediation 2 (both family cases), agreements 1 → 办结率 50.0, 按期 50.0, 满意 100.0.
    2025, 西岭乡: received 2; accepted 1; accepted-closed 1; closed 1; on time 1; asked 1; satisfied 1; skip 1;
      DV 1 (danger), accepted 1.
    2025, county: received 6; accepted 5; accepted-closed 3; closed 3; on time 2; asked 2; satisfied 2 →
      办结率 60.0, 按期 66.7, 满意 100.0; screening reports 3, found 5, resolved 4, escalated 1 → 化解率 80.0.
    """
    chair, west = personas.chair, other_chair
    woman = make_person(tree.village_a, "王秀英")
    lan = make_person(tree.village_c, "赵兰")

    def case(by, person, received, **data):
        return new_case(by, person, received_on=received, **data)

    def close(c, accepted, closed, satisfied=None, mediation_on=None):
        c = services.case_accept(by=c.registered_by, case=c, on=accepted)
        if mediation_on:
            services.mediation_add(by=chair, case=c, held_on=mediation_on, mediators="李", parties="双方",
                                   agreement_reached=True, agreement_text="协议")
            c = Case.objects.get(pk=c.pk)
        c = services.case_propose_close(by=c.registered_by, case=c, outcome="已办", satisfied=satisfied)
        return services.case_approve_close(by=county_rights, case=c, closed_on=closed)

    a = close(case(chair, woman, D(2025, 3, 1)), D(2025, 3, 2), D(2025, 4, 20), True, mediation_on=D(2025, 3, 10))
    close(case(chair, woman, D(2025, 11, 20)), D(2025, 11, 21), D(2026, 1, 10), False)
    close(case(chair, woman, D(2024, 12, 30)), D(2025, 1, 2), D(2025, 3, 15))
    d = case(chair, woman, D(2025, 6, 1), category=dv_category)
    d = services.case_accept(by=chair, case=d, on=D(2025, 6, 1))
    d = services.case_assess_risk(by=chair, case=d, answers={"injured": True, "fear": True})
    tz = timezone.get_current_timezone()
    d = services.case_update_dv(by=chair, case=d,
        order_applied_at=datetime.datetime(2025, 6, 4, 10, tzinfo=tz), order_granted_on=D(2025, 6, 5))
    services.mediation_add(by=chair, case=d, held_on=D(2025, 6, 10), mediators="李", parties="双方",
                           agreement_reached=False)
    e = case(chair, woman, D(2025, 7, 1), same_matter_as=a, skip_level=True)
    services.case_reject(by=chair, case=e, on=D(2025, 7, 2), reason="同一事项已办结")
    f = case(west, lan, D(2025, 2, 1), category=dv_category, confidential=True)
    f = services.case_assess_risk(by=west, case=f, answers={"weapon": True})
    services.case_followup_visit(by=west, case=services.case_accept(by=west, case=f, on=D(2025, 2, 2)),
                                 done_on=D(2025, 2, 20), result="安全")
    f = Case.objects.get(pk=f.pk)
    f = services.case_propose_close(by=west, case=f, outcome="已办", satisfied=True)
    services.case_approve_close(by=county_rights, case=f, closed_on=D(2025, 3, 1))
    case(west, lan, D(2025, 5, 5), skip_level=True)
    for unit, month, found, resolved, escalated in ((tree.village_a, D(2025, 1, 1), 3, 2, 1),
                                                     (tree.village_b, D(2025, 1, 1), 0, 0, 0),
                                                     (tree.village_c, D(2025, 2, 1), 2, 2, 0),
                                                     (tree.village_a, D(2024, 12, 1), 5, 0, 0)):
        DisputeScreening.objects.create(unit=unit, month=month, none_found=not found, found=found, resolved=resolved,
                                        escalated=escalated, reported_by=chair)
    return tree


EXPECTED = {  # key: (东塘镇, 西岭乡, county)
    "rights.cases_received": (4, 2, 6),
    "rights.cases_accepted": (4, 1, 5),
    "rights.cases_rejected": (1, 0, 1),
    "rights.cases_accepted_closed": (2, 1, 3),
    "rights.cases_closed": (2, 1, 3),
    "rights.cases_closed_on_time": (1, 1, 2),
    "rights.satisfaction_asked": (1, 1, 2),
    "rights.cases_satisfied": (1, 1, 2),
    "rights.cases_repeat": (1, 0, 1),
    "rights.cases_skip_level": (1, 1, 2),
    "rights.dv_cases": (1, 1, 2),
    "rights.dv_cases_accepted": (1, 1, 2),
    "rights.protection_orders_applied": (1, 0, 1),
    "rights.dv_risk_low": (0, 0, 0),
    "rights.dv_risk_medium": (0, 0, 0),
    "rights.dv_risk_high": (1, 0, 1),
    "rights.dv_risk_danger": (0, 1, 1),
    "rights.protection_orders_granted": (1, 0, 1),
    "rights.mediation_sessions": (2, 0, 2),
    "rights.mediation_agreements": (1, 0, 1),
    "rights.family_mediation_sessions": (2, 0, 2),
    "rights.family_mediation_agreements": (1, 0, 1),
    "rights.screening_reports": (2, 1, 3),
    "rights.screening_found": (3, 2, 5),
    "rights.screening_resolved": (2, 2, 4),
    "rights.screening_escalated": (1, 0, 1),
}
RATES = {
    "rights.handled_rate": ("50.0", "100.0", "60.0"),
    "rights.on_time_rate": ("50.0", "100.0", "66.7"),
    "rights.satisfaction_rate": ("100.0", "100.0", "100.0"),
    "rights.screening_resolved_rate": ("66.7", "100.0", "80.0"),
}


def test_each_metric_on_the_fixture(world):
    units = [world.township, world.other_township, world.county]
    got = metrics.compute([*EXPECTED, *RATES], units, YEAR)
    for key, expected in EXPECTED.items():
        assert tuple(got[key][u.pk] for u in units) == expected, key
    for key, expected in RATES.items():
        assert tuple(str(got[key][u.pk]) for u in units) == expected, key


def test_county_is_the_sum_of_its_townships_for_every_additive_metric(world):
    rights = [m.key for m in metrics.all_metrics() if m.area == "rights" and m.additive]
    assert set(EXPECTED) <= set(rights)
    for period in (YEAR, Period("quarter", 2025, 1), Period("month", 2026, 1), Period("year", 2024)):
        got = metrics.compute(rights, [world.county, world.township, world.other_township], period)
        for key in rights:
            values = got[key]
            assert values[world.county.pk] == values[world.township.pk] + values[world.other_township.pk], key


def test_the_period_is_the_date_that_defines_the_figure(world):
    # B closed in January 2026: counted as closed in 2026, not in 2025, while its acceptance stays in 2025.
    assert metrics.value("rights.cases_closed", world.township, Period("year", 2026)) == 1
    assert metrics.value("rights.cases_accepted", world.township, Period("year", 2026)) == 0
    assert metrics.value("rights.screening_found", world.township, Period("month", 2024, 12)) == 5


def test_rates_are_rates_over_additive_parts(world):
    for key in RATES:
        metric = metrics.get(key)
        assert metric.kind == metrics.RATE and metrics.get(metric.numerator).additive
        assert metrics.get(metric.denominator).additive
    assert all(m.permission == "view_rights_cases" for m in metrics.all_metrics() if m.area == "rights")


def test_records_follow_the_confidentiality_rules(world, personas, county_rights, county_staff):
    metric = metrics.get("rights.cases_received")
    names = {col: i for i, (col, _f) in enumerate(metric.columns)}
    mine = metric.records(personas.chair, world.county, YEAR)
    assert mine.count() == 4  # the chair's township only, even when the county is asked
    everything = list(metric.records(county_rights, world.county, YEAR))
    assert len(everything) == 6
    shown = [[str(f(c)) for _h, f in metric.columns] for c in everything]
    petitioners = {row[names["当事人"]] for row in shown}
    assert "赵兰" in petitioners  # G is not confidential
    confidential = next(row for row, c in zip(shown, everything, strict=True) if c.confidential)
    assert confidential[names["当事人"]] == "（保密）"
    assert metric.records(county_staff, world.county, YEAR).count() == 0
    assert metric.records(personas.viewer, world.county, YEAR).count() == 0
    # A village director sees only what she registered or was handed.
    assert metric.records(personas.village_a, world.county, YEAR).count() == 0
    mediations = metrics.get("rights.mediation_sessions").records(personas.chair, world.township, YEAR)
    assert [m.held_on for m in mediations] == [D(2025, 3, 10), D(2025, 6, 10)]
    rate = metrics.get("rights.handled_rate").records(county_rights, world.county, YEAR)
    assert rate.count() == 3  # A, C and F: B was closed after 2025
    screening = metrics.get("rights.screening_found").records(personas.chair, world.county, YEAR)
    assert [s.unit.name for s in screening] == ["东塘村"]


def test_the_statistics_page_figures_are_the_metrics(world, personas):
    stats = case_stats(user=personas.county, unit=world.county, date_from=YEAR.start, date_to=YEAR.end)
    got = metrics.compute(["rights.cases_received", "rights.cases_closed", "rights.handled_rate",
                           "rights.on_time_rate"], [world.county], Span(YEAR.start, YEAR.end))
    assert stats["received"] == got["rights.cases_received"][world.county.pk] == 6
    assert stats["closed"] == got["rights.cases_closed"][world.county.pk] == 3
    assert stats["handled_rate"] == got["rights.handled_rate"][world.county.pk]
    assert str(stats["on_time_rate"]) == "66.7"
    assert dict(stats["by_risk"]) == {"低": 0, "中": 0, "高": 1, "危险": 1, "未评估": 0}
