"""Statistics on a hand-built fixture; the right answers are worked out below, case by case."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from banbiantian.conftest import make_person
from banbiantian.rights import services
from banbiantian.rights.models import Case, CaseCategory
from banbiantian.rights.stats import case_stats

pytestmark = pytest.mark.django_db
D = datetime.timedelta


@pytest.fixture
def fixture_cases(personas, new_case, tree, dv_category):
    """
    In 东塘镇, received in the period (Jan–Jun 2026):
      A  visit,  marriage, accepted, closed on time,  satisfied
      B  call,   marriage, accepted, closed LATE,      not satisfied
      C  letter, land,     accepted, closed on time,  satisfaction not asked
      D  visit,  dv/high,  accepted, still open
      E  visit,  dv/none,  rejected; repeat of A; skip-level
    Outside: F in 西岭 (county's case, other township) and G in 东塘 received 2025-12-31.
    received 5; accepted 4; closed 3 → 办结率 3/4 = 75.0; on time 2/3 = 66.7; satisfied 1/2 = 50.0;
    repeat 1; skip-level 1; DV 2 (high 1, unassessed 1); channels visit 3, call 1, letter 1.
    """
    chair = personas.chair
    land = CaseCategory.objects.get(code="land")
    start = datetime.date(2026, 1, 5)

    def closed(received, *, late=False, satisfied=None, **kw):
        case = new_case(chair, received_on=received, **kw)
        case = services.case_accept(by=chair, case=case, on=received + D(days=1))
        case = services.case_propose_close(by=chair, case=case, outcome="已办", satisfied=satisfied)
        return services.case_approve_close(by=personas.county, case=case, closed_on=case.close_due + D(days=5 if late else -5))

    a = closed(start, satisfied=True)
    closed(start + D(days=10), late=True, satisfied=False, channel="call")
    closed(start + D(days=20), channel="letter", category=land)
    d = new_case(chair, received_on=start + D(days=30), category=dv_category)
    services.case_accept(by=chair, case=d, on=d.received_on)
    services.case_assess_risk(by=chair, case=Case.objects.get(pk=d.pk), answers={"injured": True, "fear": True})
    e = new_case(chair, received_on=start + D(days=40), category=dv_category, same_matter_as=a, skip_level=True)
    services.case_reject(by=chair, case=e, on=e.received_on, reason="重复")
    new_case(personas.county, make_person(tree.village_c, "赵兰"), received_on=start)
    new_case(chair, received_on=datetime.date(2025, 12, 31))
    return tree


def test_case_stats_numbers(fixture_cases, personas):
    s = case_stats(user=personas.county, unit=fixture_cases.township, date_from=datetime.date(2026, 1, 1),
                   date_to=datetime.date(2026, 6, 30))
    assert (s["received"], s["accepted"], s["rejected"], s["closed"], s["on_time"]) == (5, 4, 1, 3, 2)
    assert str(s["handled_rate"]) == "75.0" and str(s["on_time_rate"]) == "66.7"
    assert str(s["satisfaction_rate"]) == "50.0"
    assert (s["repeat"], s["skip_level"], s["dv"]) == (1, 1, 2)
    assert dict(s["by_channel"]) == {"来信": 1, "来访": 3, "来电": 1, "网络": 0, "12338转办": 0, "上级交办": 0}
    by_category = dict(s["by_category"])
    assert by_category["婚姻家庭纠纷"] == 2 and by_category["家庭暴力"] == 2 and by_category["农村妇女土地权益"] == 1
    assert dict(s["by_risk"]) == {"低": 0, "中": 0, "高": 1, "危险": 0, "未评估": 1}


def test_county_sees_both_townships(fixture_cases, personas):
    s = case_stats(user=personas.county, unit=fixture_cases.county, date_from=datetime.date(2026, 1, 1),
                   date_to=datetime.date(2026, 6, 30))
    assert s["received"] == 6


def test_empty_period_has_no_rates(fixture_cases, personas):
    s = case_stats(user=personas.chair, unit=fixture_cases.township, date_from=datetime.date(2024, 1, 1),
                   date_to=datetime.date(2024, 12, 31))
    assert s["received"] == 0 and s["handled_rate"] is None


def test_stats_page_and_xlsx(fixture_cases, personas, login):
    client = login(personas.chair)
    params = {"date_from": "2026-01-01", "date_to": "2026-06-30"}
    page = client.get(reverse("rights:stats"), params).content.decode()
    assert '<div class="value" id="handled-rate">75.0%' in page
    response = client.get(reverse("rights:stats_xlsx"), params)
    rows = {r[0]: r[1] for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True) if r}
    assert rows["收到"] == 5 and rows["办结率(%)"] == 75.0 and rows["满意率(%)"] == 50.0
    bad = client.get(reverse("rights:stats"), {"date_from": "2026-06-30", "date_to": "2026-01-01"})
    assert "截止日期不能早于起始日期" in bad.content.decode()
