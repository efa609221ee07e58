"""The figure drill-down page belongs to the metrics registry in core: one view
(core.views_figures.figure), one link builder (core.metrics.figure_url) used by plans and
statistical forms, one audit of the sensitive records shown (core.services.figure_records_viewed)."""

import datetime

from django.urls import resolve, reverse

from banbiantian.conftest import make_person
from banbiantian.core import metrics, services, views_figures
from banbiantian.core.metrics import Period

YEAR = datetime.date.today().year


def test_one_page_served_at_the_address_links_use(tree, personas, login):
    make_person(tree.village_a, "王秀英")
    url = metrics.figure_url("people.women", tree.township, Period("year", YEAR), personas.chair)
    assert url == f"/planning/figures/people.women/?unit={tree.township.pk}&period={YEAR}"
    assert resolve(url.split("?")[0]).func.__wrapped__ is views_figures.figure.__wrapped__
    response = login(personas.chair).get(url)
    assert response.status_code == 200 and "core/figure.html" in [t.name for t in response.templates]
    assert "王秀英" in response.content.decode()


def test_no_link_without_a_user_or_the_records_permission(tree, personas):
    period = Period("year", YEAR)
    assert metrics.figure_url("people.women", tree.township, period) == ""
    assert metrics.figure_url("rights.cases_received", tree.township, period, personas.viewer) == ""
    assert metrics.figure_url("rights.cases_received", tree.township, period, personas.county)


def test_every_area_uses_the_one_link_builder():
    from banbiantian.planning import selectors as planning_selectors
    from banbiantian.statforms import selectors as statforms_selectors

    assert statforms_selectors.figure_url is metrics.figure_url
    assert not hasattr(planning_selectors, "figure_url") and not hasattr(planning_selectors, "drill_units")
    assert reverse(metrics.FIGURE_URL_NAME, args=["people.women"]) == "/planning/figures/people.women/"


def test_sensitive_records_shown_are_logged(tree, personas):
    metric = metrics.get("rights.cases_received")
    period = Period("year", YEAR)
    entry = services.figure_records_viewed(by=personas.county, metric=metric, unit=tree.township, period=period,
                                           records=[tree.village_a], ip_address="10.0.0.1")
    assert entry.object_type == "metric:rights.cases_received" and entry.changes == {
        "records": [{"id": tree.village_a.pk, "name": tree.village_a.name}]}
    assert services.figure_records_viewed(by=personas.county, metric=metrics.get("people.women"),
                                          unit=tree.township, period=period, records=[tree.village_a]) is None
