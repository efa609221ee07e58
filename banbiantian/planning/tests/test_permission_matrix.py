"""Every planning URL × every persona: page, 403 (role, or seen but not hers to change) or 404
(not in her scope). A new view must be added here: core's `test_matrix_covers_every_url` fails otherwise."""

import datetime
import re
from unittest import mock

import pytest
from django.urls import reverse

from banbiantian.core.testing import matrix
from banbiantian.planning import services
from banbiantian.planning.models import Comparison

from .conftest import YEAR

OK = dict.fromkeys(matrix.PERSONAS, 200)
COUNTY_PAGE = {"county": 200, "chair": 404, "village_a": 404, "village_b": 404, "viewer": 200}
TOWNSHIP_PAGE = {"county": 200, "chair": 200, "village_a": 404, "village_b": 404, "viewer": 200}
COUNTY_EDIT = {"county": 200, "chair": 404, "village_a": 403, "village_b": 403, "viewer": 403}
TOWNSHIP_EDIT = {"county": 403, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}

MATRIX = [
    ("planning:home", None, "", "get", OK),
    ("planning:plan_create", None, "", "post", {"county": 302, "chair": 302, "village_a": 403, "village_b": 403,
                                                "viewer": 403}),
    ("planning:plan", "county_plan", "", "get", COUNTY_PAGE),
    ("planning:townships", "county_plan", "", "get", COUNTY_PAGE),
    ("planning:plan_xlsx", "county_plan", "", "get", COUNTY_PAGE),
    ("planning:target_create", "township_plan", "", "get", TOWNSHIP_EDIT),
    ("planning:target_edit", "own", "", "get", TOWNSHIP_EDIT),
    ("planning:target_delete", "own", "", "post", {**TOWNSHIP_EDIT, "chair": 302}),
    ("planning:target_split", "women", "", "get", COUNTY_EDIT),
    # A manual target's actual is typed by its own unit (edit_plans or fill_forms).
    ("planning:target_actual", "events_split", "", "get", {"county": 403, "chair": 200, "village_a": 404,
                                                            "village_b": 404, "viewer": 403}),
    ("planning:figure", "people.women", "unit=township", "get", TOWNSHIP_PAGE),
    # Rights figures open rights records: only those who may see rights cases.
    ("planning:figure", "rights.cases_received", "unit=township", "get",
     {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("planning:summary", None, "unit=township", "get", TOWNSHIP_PAGE),
]
DATA = {"planning:plan_create": {"year": str(YEAR + 1)}}


def _url(row, fixture):
    planning, tree = fixture("planning"), fixture("tree")
    name, key, query = row.name, row.key, row.query
    if key is None:
        url = reverse(name)
    elif name == "planning:figure":
        url = reverse(name, args=[key])
    else:
        url = reverse(name, args=[getattr(planning, key).pk])
    if query:
        unit = getattr(tree, query.split("=")[1])
        url += f"?unit={unit.pk}&period={YEAR}&year={YEAR}"
    return url


test_permission_matrix, test_wrong_method_is_405, test_anonymous_is_sent_to_login = matrix.page_tests(
    MATRIX, columns=("name", "key", "query", "method", "expected"), data=DATA, url=_url)


# --- figure links: a figure links to its records only for those who may open them --------------------

FIGURE_LINK = re.compile(r'href="(/planning/figures/[^"]+)"')


def _county_targets(planning, county):
    """Figures of three areas on the county plan: rights (skip-level petitions, the handled
    rate) and care (screenings), beside the people figures of the fixture."""
    for key, comparison, value in [("rights.cases_skip_level", Comparison.LTE, "1"),
                                   ("rights.handled_rate", Comparison.RATE_GTE, "90"),
                                   ("care.screened", Comparison.GTE, "100")]:
        services.target_create(by=county, plan=planning.county_plan,
                               metric_key=key, comparison=comparison, value=value)


# --- 1. a figure links to its records only for those who may open them -------------------------------

@pytest.mark.parametrize("persona", ["county", "viewer", "county_rights"])
def test_every_figure_link_on_plan_and_dashboard_opens(persona, planning, tree, personas, login):
    _county_targets(planning, personas.county)
    client = login(getattr(personas, persona))
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(YEAR, 7, 2)):
        pages = [client.get(reverse("planning:plan", args=[planning.county_plan.pk])).content.decode(),
                 client.get(reverse("planning:townships", args=[planning.county_plan.pk])).content.decode(),
                 client.get(reverse("dashboard")).content.decode()]
        links = {link.replace("&amp;", "&") for page in pages for link in FIGURE_LINK.findall(page)}
        assert links, "the pages show figures"
        for link in links:
            assert client.get(link).status_code == 200, link
    keys = {link.split("/")[3] for link in links}
    # The figures without a link are still shown, as numbers.
    assert "越级信访件" in pages[0] and "两癌筛查人次" in pages[0]
    if persona == "viewer":
        assert not keys & {"rights.cases_skip_level", "rights.handled_rate", "care.screened"}
    if persona == "county_rights":
        assert "care.screened" not in keys and "rights.cases_skip_level" in keys
    if persona == "county":
        assert {"rights.cases_skip_level", "rights.handled_rate", "care.screened", "people.women"} <= keys
