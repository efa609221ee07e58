"""What users see and do on the planning pages, per persona."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document

from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry
from banbiantian.planning import services
from banbiantian.planning.models import Target

from .conftest import YEAR


def _figure(key, unit, period=YEAR):
    return reverse("planning:figure", args=[key]) + f"?unit={unit.pk}&period={period}"


def test_plan_page_links_every_actual_to_its_records(planning, tree, personas, login):
    page = login(personas.chair).get(reverse("planning:plan", args=[planning.township_plan.pk]))
    html = page.content.decode()
    assert f'href="{_figure("people.women", tree.township)}"'.replace("&", "&amp;") in html
    assert "手工填报" in html and "县下达" in html.replace("清溪县下达", "县下达")
    assert reverse("planning:target_actual", args=[planning.events_split.pk]) in html
    # What the county handed down has no edit button for the township.
    assert reverse("planning:target_edit", args=[planning.women_split.pk]) not in html
    assert reverse("planning:target_edit", args=[planning.own.pk]) in html


def test_figure_page_lists_the_records_masked_and_scoped(planning, tree, personas, login):
    page = login(personas.chair).get(_figure("people.women", tree.township))
    html = page.content.decode()
    assert page.context["value"] == 4 and page.context["shown"] == 4
    rows = {cells[0][1]: link for link, cells in page.context["rows"]}
    assert set(rows) == {"甲", "乙", "丙", "丁"}
    assert rows["甲"] == reverse("people:detail", args=[_person("甲").pk])
    assert _person("甲").id_number not in html and _person("甲").id_number_masked in html
    # The breakdown by village links one level down.
    assert [(u.name, v) for u, v, _url in page.context["children"]] == [("东塘村", 3), ("桥头村", 1)]
    # The county sees both townships; the rate's page explains itself and lists the numerator's records.
    rate = login(personas.county).get(_figure("test.left_behind_share", tree.county))
    assert rate.context["value"] == Decimal("16.7") and rate.context["numerator"] == 1
    assert rate.context["denominator"] == 6 and rate.context["shown"] == 1


def test_figure_page_bad_input_is_404(planning, tree, personas, login):
    client = login(personas.chair)
    assert client.get(reverse("planning:figure", args=["no.such"])).status_code == 404
    assert client.get(_figure("people.women", tree.township, "2026-X9")).status_code == 404
    assert client.get(_figure("people.women", tree.other_township)).status_code == 404
    assert client.get(reverse("planning:figure", args=["people.women"]) + "?unit=abc").status_code == 404
    # No unit: her own; no period: this year.
    assert client.get(reverse("planning:figure", args=["people.women"])).context["unit"] == tree.township


def _person(name):
    from banbiantian.people.models import Person
    return Person.objects.get(name=name)


def test_county_adds_and_splits_a_target_through_the_pages(planning, tree, personas, login):
    client = login(personas.county)
    response = client.post(reverse("planning:target_create", args=[planning.county_plan.pk]), {
        "metric_key": "people.households", "comparison": "gte", "value": "10", "sort": "5"})
    assert response.status_code == 302
    target = Target.objects.get(metric_key="people.households", parent=None)
    split = reverse("planning:target_split", args=[target.pk])
    page = client.post(split, {"mode": "manual", f"unit_{tree.township.pk}": "6",
                               f"unit_{tree.other_township.pk}": "3"})
    assert page.status_code == 200 and "各乡镇分解数之和（9）与本级目标值（10）不一致" in page.content.decode()
    assert not target.splits.exists()  # nothing half-written
    assert client.post(split, {"mode": "even"}).status_code == 302
    assert sorted(s.value for s in target.splits.all()) == [Decimal(5), Decimal(5)]
    table = client.get(reverse("planning:townships", args=[planning.county_plan.pk]))
    assert [u.name for u, _cells in table.context["table"].rows] == ["东塘镇", "西岭乡"]
    html = table.content.decode()
    assert _figure("people.women", tree.other_township).replace("&", "&amp;") in html
    assert "与目标值不一致" not in html
    services.target_update(by=personas.county, target=target,
        metric_key="people.households", comparison="gte", value="12")
    html = client.get(reverse("planning:townships", args=[planning.county_plan.pk])).content.decode()
    assert "各乡镇分解合计 10，与目标值不一致" in html


def test_bad_target_input_gets_a_chinese_message_beside_the_field(planning, personas, login):
    client = login(personas.chair)
    page = client.post(reverse("planning:target_create", args=[planning.township_plan.pk]), {
        "metric_key": "people.women", "comparison": "gte", "value": "-3"})
    assert page.status_code == 200 and "目标值不能是负数" in page.content.decode()
    page = client.post(reverse("planning:target_create", args=[planning.township_plan.pk]), {
        "metric_key": "", "comparison": "gte", "value": "3"})
    assert "目标名称不能为空" in page.content.decode()


def test_township_staff_reports_a_manual_actual(planning, tree, personas, login):
    staff = personas.township_staff
    client = login(staff)
    url = reverse("planning:target_actual", args=[planning.events_split.pk])
    assert "不能是负数" in client.post(url, {"actual": "-1"}).content.decode()
    assert client.post(url, {"actual": "2"}).status_code == 302
    planning.events_split.refresh_from_db()
    assert planning.events_split.actual == 2 and planning.events_split.actual_by == staff
    page = client.get(reverse("planning:plan", args=[planning.township_plan.pk])).content.decode()
    assert "staff 于" in page
    assert AuditEntry.objects.filter(object_type="planning.target", actor=staff, action="update").count() == 1
    # The county's summed manual actual follows.
    county = login(personas.county).get(reverse("planning:plan", args=[planning.county_plan.pk]))
    events = next(r for r in county.context["rows"] if r.target.pk == planning.events.pk)
    assert events.actual == 2 and events.percent == Decimal("50.0")


def test_home_creates_a_plan(tree, personas, login):
    client = login(personas.chair)
    page = client.get(reverse("planning:home") + f"?year={YEAR}")
    assert page.context["can_create"]
    response = client.post(reverse("planning:plan_create"), {"year": str(YEAR)})
    assert response.status_code == 302
    again = client.post(reverse("planning:plan_create"), {"year": str(YEAR)}, follow=True)
    assert "计划已经存在" in again.content.decode()


def _docx(response):
    return Document(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))


def test_year_end_summary_docx(planning, tree, personas, login):
    response = login(personas.chair).get(reverse("planning:summary") + f"?year={YEAR}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = _docx(response)
    text = [p.text for p in doc.paragraphs]
    assert text[0] == f"东塘镇妇联{YEAR}年工作总结"
    body = "\n".join(text)
    # Figures from the metrics for 东塘镇 and the year: 4 women registered (3 + 1), 1 left-behind woman.
    assert "共登记人员4人，其中18周岁以上妇女4人" in body
    assert "留守妇女1人" in body
    assert "一、主要工作及成效" in body and "（一）摸清底数" in body
    headings = [t for t in text if "、" in t[:3]]
    assert [h.split("、", 1)[1] for h in headings] == ["主要工作及成效", "年度目标完成情况", "存在的问题", "下一年工作打算"]
    # Under the chair's two headings only a one-line prompt she writes over.
    for heading in headings[-2:]:
        assert text[text.index(heading) + 1].startswith("（请在此填写")
    table = doc.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "目标", "目标值", "实际完成", "完成率", "完成情况"]
    assert ["1", "登记妇女（18周岁以上，期末在册）", "≥40人", "4人", "10.0%"] == rows[1][:5]
    assert rows[2][1] == "大型宣传活动（手工填报）" and rows[2][3] == "—"


def test_summary_skips_areas_without_metrics_and_zero_sentences(tree):
    from banbiantian.core import metrics
    from banbiantian.planning import summary

    make_person(tree.village_a, "甲")
    saved = dict(metrics._registry)
    try:
        for key in [k for k in metrics._registry if k.startswith("rights.")]:
            metrics._registry.pop(key)
        headings = [h for h, _s in summary.sections(tree.county, YEAR)]
        assert not any("维权" in h for h in headings)
        assert any("关爱" in h for h in headings)  # registered, nothing recorded: one sentence saying so
    finally:
        metrics._registry.clear()
        metrics._registry.update(saved)
    assert summary.numeral(12) == "十二" and summary.numeral(20) == "二十"


@pytest.mark.parametrize("extra", [0, 5])
def test_dashboard_panel_query_count_does_not_grow_with_targets(planning, tree, personas, login,
                                                                django_assert_num_queries, extra):
    from banbiantian.planning.dashboard import targets_panel

    for _ in range(extra):  # more targets on metrics already in the plan, and manual ones
        services.target_create(by=personas.chair, plan=planning.township_plan,
            metric_key="people.women", comparison="gte", value="3")
        services.target_create(by=personas.chair, plan=planning.township_plan,
            label="巾帼示范村", measure_unit="个", comparison="gte", value="1")
    import datetime
    from unittest import mock
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(YEAR, 7, 2)):
        # plan, targets, their splits, then one query per distinct metric (people.women,
        # people.group.left_behind_women): 5 whatever the number of targets.
        with django_assert_num_queries(5):
            panel = targets_panel(personas.chair)
    assert len(panel["rows"]) == 3 + 2 * extra
    page = login(personas.chair)
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(YEAR, 7, 2)):
        html = page.get(reverse("dashboard")).content.decode()
    assert "目标完成进度" in html and 'class="progress"' in html


def test_sensitive_drill_down_pages_are_logged(planning, tree, personas, login):
    from banbiantian.core import metrics
    from banbiantian.core.metrics import Metric

    women = metrics.get("people.women")
    sensitive = Metric("test.screened", "筛查人次", "人次", "care", values=women.values, records=women.records,
                       columns=women.columns, permission="view_health_data")
    metrics._registry[sensitive.key] = sensitive
    try:
        assert login(personas.chair).get(_figure("test.screened", tree.township)).status_code == 200
        assert login(personas.viewer).get(_figure("test.screened", tree.county)).status_code == 403
        login(personas.chair).get(_figure("people.women", tree.township))  # not sensitive: not logged
    finally:
        metrics._registry.pop(sensitive.key)
    entry = AuditEntry.objects.get(action="view")
    assert entry.actor == personas.chair and entry.object_type == "metric:test.screened"
    assert sorted(entry.changes["records"]) == sorted(p.pk for p in women.records(personas.chair, tree.township,
                                                                                   metrics.Period("year", YEAR)))


def test_plan_downloads_as_xlsx_with_its_actuals(planning, tree, personas, login):
    from openpyxl import load_workbook

    from banbiantian.core import metrics
    from banbiantian.core.metrics import Period

    response = login(personas.chair).get(reverse("planning:plan_xlsx", args=[planning.township_plan.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("目标", "类型", "下达单位", "目标值", "实际完成")
    names = {t.name: t for t in planning.township_plan.targets.all()}
    assert {r[0] for r in rows[1:]} == set(names)
    women = next(r for r in rows[1:] if r[0] == planning.women_split.name)
    expected = metrics.value("people.women", tree.township, Period("year", YEAR))
    assert women[1] == "系统统计" and women[2] == "清溪县" and women[4] == str(expected)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_type="planning.plan",
                                     actor=personas.chair).exists()
    assert login(personas.village_b).get(reverse("planning:plan_xlsx", args=[planning.county_plan.pk])).status_code == 404
