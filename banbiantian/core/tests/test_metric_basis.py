"""Every metric says what a figure for a period counts: events within the period (FLOW), what stood
at its end or on a day of it (STOCK), or the period's records as they stand today (TO_DATE, whose
label says 至今). Whether the FLOW and STOCK figures really stay put is checked on the demo county
in planning/tests/test_past_periods_stay_put.py."""

import pytest

from banbiantian.core import metrics
from banbiantian.core.metrics import BASES, COUNT, FLOW, RATE, STOCK, TO_DATE, TO_DATE_WORD, Metric


def test_every_registered_metric_declares_its_basis_and_its_label_says_so():
    registered = metrics.all_metrics()
    assert len(registered) > 50
    for metric in registered:
        assert metric.basis in BASES, metric.key
        says_to_date = TO_DATE_WORD in str(metric.label)
        assert says_to_date == (metric.basis == TO_DATE), (metric.key, str(metric.label))
        assert metric.period_bounded == (metric.basis != TO_DATE)
        if metric.kind == RATE:
            parts = [metrics.get(metric.numerator), metrics.get(metric.denominator)]
            assert (metric.basis == TO_DATE) == any(p.basis == TO_DATE for p in parts), metric.key


def test_the_figures_that_were_counting_beyond_their_period_now_say_which_they_are():
    # 办结 and 办结率: closings after the period no longer count in it.
    assert metrics.get("rights.cases_accepted_closed").basis == FLOW
    assert metrics.get("rights.handled_rate").basis == FLOW
    # The follow-up of an abnormal screening comes later and has no date: 至今, and said.
    assert metrics.get("care.screening_followed_up").basis == TO_DATE
    assert "至今" in str(metrics.get("care.screening_follow_up_rate").label)
    assert metrics.get("people.women").basis == STOCK


def _values(units, period):
    return {}


@pytest.mark.parametrize("bad", [
    Metric("test.nobasis", "人数", "人", "people", kind=COUNT, values=_values),
    Metric("test.hidden", "人数", "人", "people", kind=COUNT, values=_values, basis=TO_DATE),
    Metric("test.claims", "至今人数", "人", "people", kind=COUNT, values=_values, basis=FLOW),
    Metric("test.rate", "随访率", "%", "care", kind=RATE, numerator="care.screening_followed_up",
           denominator="care.screening_abnormal", basis=FLOW),
])
def test_a_metric_that_does_not_say_what_it_counts_is_refused(bad):
    with pytest.raises(AssertionError):
        metrics.register(bad)
    assert bad.key not in {m.key for m in metrics.all_metrics()}


@pytest.mark.parametrize("key, says", [
    ("rights.handled_rate", "以后登记的记录不会改变这个数字"),
    ("people.women", "期间结束后不再改变"),
    ("rights.dv_risk_high", "仍会改变已结束期间的这个数字"),
])
def test_a_figures_page_says_whether_a_finished_periods_figure_can_still_move(key, says, tree, personas, login):
    from django.urls import reverse

    page = login(personas.chair).get(reverse(metrics.FIGURE_URL_NAME, args=[key]),
                                     {"unit": tree.township.pk, "period": "2025"})
    assert page.status_code == 200
    html = page.content.decode()
    assert says in html.split('id="figure-basis">', 1)[1].split("</p>", 1)[0]
