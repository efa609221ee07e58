"""The pages as a user sees them, and their query counts."""

import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from banbiantian.conftest import make_person
from banbiantian.core.models import Level, OrgUnit
from banbiantian.statforms import selectors, services
from banbiantian.statforms.models import Report, Status, Value

from .conftest import IN_PERIOD, PERIOD, fill

BASE = 3  # session, user, user's unit


def _post(report, **cells):
    data = {"version": report.version}
    for code, value in cells.items():
        if code.endswith("_na"):
            data[f"na_{code[:-3]}"] = "1"
        elif code.endswith("_c"):
            data[f"c_{code[:-2]}"] = value
        else:
            data[f"v_{code}"] = value
    return data


def test_entry_page_saves_and_refuses_bad_cells(reports, personas, login):
    client = login(personas.village_a)
    url = reverse("statforms:report", args=[reports.a.pk])
    response = client.post(url, _post(reports.a, B="十", C="-1", D="0", M_na="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "“女性劳动力·合计”：请填写数字" in page and "“女性劳动力·外出务工”：不能为负数" in page
    assert 'value="十"' in page  # what was typed comes back
    assert not Value.objects.exists()  # nothing half-written
    response = client.post(url, _post(reports.a, B="10", C="4", D="0", M_na="1"), follow=True)
    page = response.content.decode()
    assert "已保存" in page
    stored = {v.cell.code: v.get_state_display() for v in Value.objects.select_related("cell")}
    assert stored == {"B": "数值", "C": "数值", "D": "数值", "M": "不适用"}


def test_second_editor_sees_the_difference(reports, personas, login):
    client = login(personas.village_a)
    url = reverse("statforms:report", args=[reports.a.pk])
    stale = _post(reports.a, B="11")
    fill(reports.a, personas.village_a, B=10)
    page = client.post(url, stale).content.decode()
    assert "他人已先保存" in page and "<td>10</td><td>11</td>" in page
    assert Value.objects.get(cell__code="B").number == 10


def test_submit_approve_and_frozen_difference_on_the_page(reports, tree, personas, login):
    make_person(tree.village_a, birth=IN_PERIOD)
    fill(reports.a, personas.village_a, B=10, C=11)
    village = login(personas.village_a)
    response = village.post(reverse("statforms:report_submit", args=[reports.a.pk]), follow=True)
    assert "外出务工不能多于劳动力" in response.content.decode()
    fill(Report.objects.get(pk=reports.a.pk), personas.village_a, B=10, C=4)
    village.post(reverse("statforms:report_submit", args=[reports.a.pk]))
    assert Report.objects.get(pk=reports.a.pk).status == Status.SUBMITTED
    make_person(tree.village_a, birth=IN_PERIOD)
    page = login(personas.chair).get(reverse("statforms:report", args=[reports.a.pk])).content.decode()
    assert "今日数 2，与上报数不同" in page and "审核通过" in page
    login(personas.chair).post(reverse("statforms:report_approve", args=[reports.a.pk]))
    assert Report.objects.get(pk=reports.a.pk).status == Status.APPROVED


def test_county_designs_a_form_on_pages(personas, login):
    client = login(personas.county)
    response = client.post(reverse("statforms:form_create"), {
        "code": "妇统季9表", "name": "巾帼志愿服务", "period_kind": "quarter", "levels": ["township"],
        "deadline_days": 15, "active": "on"})
    form_url = response["Location"]
    pk = int(form_url.rstrip("/").split("/")[-1])
    client.post(reverse("statforms:cell_add", args=[pk]), {"code": "V1", "row_label": "志愿者", "order": 1,
                                                           "value_type": "count", "metric_key": ""})
    client.post(reverse("statforms:cell_add", args=[pk]), {"code": "V2", "row_label": "其中女性", "order": 2,
                                                           "value_type": "count", "metric_key": "test.sf_born"})
    bad = client.post(reverse("statforms:rule_add", args=[pk]), {"kind": "le", "left": "V2", "right": "V9",
                                                                 "message": "女性不多于合计"}, follow=True)
    assert "本表没有指标代码：V9" in bad.content.decode()
    client.post(reverse("statforms:rule_add", args=[pk]), {"kind": "le", "left": "V2", "right": "V1",
                                                           "blocking": "on", "message": "女性不多于合计"})
    page = client.get(form_url).content.decode()
    assert "志愿者" in page and "自动取数" in page and "女性不多于合计" in page


def test_summary_page_xlsx_and_chart(form, reports, tree, personas, login):
    fill(reports.a, personas.village_a, B=10, C=4, D=6)
    services.report_submit(report=reports.a, by=personas.village_a)
    fill(reports.b, personas.village_b, B=5, C=1, D=4)
    services.report_submit(report=reports.b, by=personas.village_b)
    client = login(personas.chair)
    query = {"form": form.pk, "unit": tree.township.pk, "period": PERIOD.key}
    page = client.get(reverse("statforms:summary"), query).content.decode()
    assert "33.3" in page and "2/2" in page
    response = client.get(reverse("statforms:summary_xlsx"), query)
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[2][:3] == ("指标", "数值", None) and rows[3][:3] == ("出生人数", 0, None)
    assert rows[4][:5] == ("指标", "合计", "外出务工", "本地就业", None)
    assert rows[5][:5] == ("女性劳动力", 15, 5, 10, None)
    assert rows[6][:2] == ("指标", "数值") and rows[7][:2] == ("外出务工比例", 33.3)
    villages = list(wb["分单位"].iter_rows(values_only=True))
    assert [r[0] for r in villages[1:]] == ["东塘村", "桥头村"]
    chart = client.get(reverse("statforms:chart"), {**query, "cell": "B"}).content.decode()
    assert 'id="chart-data"' in chart and "echarts.min.js" in chart and '"values": [5.0, ' not in chart
    assert "15.0" in chart and "2026年第2季度" in chart
    # Outside her scope: the county is not in the chair's unit choices.
    assert client.get(reverse("statforms:summary"), {**query, "unit": tree.county.pk}).status_code == 200
    assert "2/2" not in client.get(reverse("statforms:summary"), {**query, "unit": tree.county.pk}).content.decode()


def test_xlsx_escapes_formula_like_names(form, reports, tree, personas, login):
    OrgUnit.objects.filter(pk=tree.village_a.pk).update(name="=HYPERLINK(1)")
    fill(reports.a, personas.village_a, B=1)
    services.report_submit(report=reports.a, by=personas.village_a)
    response = login(personas.chair).get(reverse("statforms:summary_xlsx"),
                                         {"form": form.pk, "unit": tree.township.pk, "period": PERIOD.key})
    names = [r[0] for r in load_workbook(io.BytesIO(response.content))["分单位"].iter_rows(values_only=True)]
    assert "'=HYPERLINK(1)" in names


@pytest.fixture
def crowd(request, form, tree, personas):
    """`n` more villages under 东塘镇, each with a submitted report of the last closed quarter."""
    from banbiantian.core.models import User
    from banbiantian.core.roles import Role

    period = selectors.last_closed("quarter", timezone.localdate())
    for i in range(request.param):
        village = OrgUnit.objects.create(code=f"330122101{100 + i:03d}", name=f"新村{i}", level=Level.VILLAGE,
                                         parent=tree.township)
        user = User.objects.create_user(f"v{i}", unit=village, role=Role.VILLAGE_DIRECTOR)
        report = services.report_open(form=form, period=period, by=user)
        fill(report, user, B=i, C=0, D=i)
        services.report_submit(report=report, by=user)
    return SimpleNamespace(period=period, key=period.key, n=request.param)


@pytest.mark.parametrize("crowd", [1, 6], indirect=True)
def test_status_page_queries(crowd, personas, login, django_assert_num_queries):
    client = login(personas.county)
    # active forms; units of the subtree; reports of the periods shown
    with django_assert_num_queries(BASE + 3):
        response = client.get(reverse("statforms:status"))
    assert "东塘镇" in response.content.decode()
    client = login(personas.chair)
    with django_assert_num_queries(BASE + 3):
        page = client.get(reverse("statforms:status")).content.decode()
    assert "新村0" in page and "下级报送情况" in page


@pytest.mark.parametrize("crowd", [1, 6], indirect=True)
def test_report_page_queries(crowd, form, personas, login, django_assert_num_queries):
    report = Report.objects.filter(form=form, unit__name="新村0").get()
    client = login(personas.chair)
    # the report with form and unit; cells; rules; stored values; the prior periods' values; one
    # grouped count per metric-backed cell for this period, last period and last year (3); history;
    # events (units below still to approve: none at village level)
    with django_assert_num_queries(BASE + 10):
        response = client.get(reverse("statforms:report", args=[report.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("crowd", [1, 6], indirect=True)
def test_summary_page_queries(crowd, form, tree, personas, login, django_assert_num_queries):
    client = login(personas.chair)
    query = {"form": form.pk, "unit": tree.township.pk, "period": crowd.key}
    # the chosen form (for the period and cell choices) and again as the form field's value; the unit
    # choice; cells for the cell choices and for the page; the units below; the units of the subtree;
    # the reports' values; one grouped count for the metric cell per depth of unit counted today (1),
    # the township having sent no report of its own; the reports below marked 未收到
    with django_assert_num_queries(BASE + 12):
        response = client.get(reverse("statforms:summary"), query)
    assert response.status_code == 200


@pytest.mark.parametrize("crowd", [1, 6], indirect=True)
def test_dashboard_panel(crowd, form, personas, login, django_assert_num_queries):
    from banbiantian.statforms.dashboard import statforms_panel

    # active forms; the unit's sent reports of those periods; submitted reports below waiting
    with django_assert_num_queries(3):
        panel = statforms_panel(personas.chair)
    cards = {card["label"]: card["value"] for card in panel["cards"]}
    # the test form and the three built-in ones, each for its ended periods of the window (3 quarters, 3 years)
    assert cards["待审核的下级报表"] == crowd.n and cards["本单位待上报报表"] == 12
    assert statforms_panel(personas.viewer) is None
    assert "待审核的下级报表" in login(personas.chair).get(reverse("dashboard")).content.decode()


def test_metric_figures_open_the_records_they_count(reports, tree, personas, login):
    url = selectors.figure_url("test.sf_born", tree.village_a, PERIOD)
    page = login(personas.village_a).get(reverse("statforms:report", args=[reports.a.pk])).content.decode()
    if url:  # the planning drill-down page is installed
        assert url.replace("&", "&amp;") in page


def test_editing_a_form_shows_its_own_settings(personas, login):
    from banbiantian.statforms.models import FormDefinition

    yearly = FormDefinition.objects.get(code="妇统年2表")
    page = login(personas.county).get(reverse("statforms:form_edit", args=[yearly.pk])).content.decode()
    assert '<option value="year" selected>' in page
    assert 'value="village" id="id_levels_1" checked' in page and 'value="committee" id="id_levels_2">' in page


def test_township_report_page_has_the_villages_column(reports, personas, login):
    fill(reports.a, personas.village_a, B=10)
    services.report_submit(report=reports.a, by=personas.village_a)
    page = login(personas.chair).get(reverse("statforms:report", args=[reports.township.pk])).content.decode()
    assert "下级上报合计" in page and "1/2 个单位已报" in page
    village = login(personas.village_a).get(reverse("statforms:report", args=[reports.a.pk])).content.decode()
    assert "下级上报合计" not in village
