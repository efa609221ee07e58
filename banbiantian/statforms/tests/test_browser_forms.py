"""Every statistical-form page a user fills, in a real browser: designing a form (its cells and rules),
starting a report, typing the grid and pressing 上报 without 保存, returning with a reason, marking a
village 未收到, and approving a batch."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from banbiantian.core.testing.browser import PHONE, log_in, shot, submit
from banbiantian.statforms import services
from banbiantian.statforms.models import Cell, Event, FormDefinition, Report, Rule, State, Status

from .conftest import PERIOD, fill

pytestmark = pytest.mark.browser
FULL = {"B": 10, "C": 4, "D": 6, "P": 98, "M": 1}


def test_county_designs_a_form_adds_a_cell_and_a_rule_then_edits_it(live_server, new_page, personas):
    page = new_page()
    log_in(page, live_server, personas.county, reverse("statforms:form_create"))
    page.locator("#id_code").fill("妇统季9表")
    page.locator("#id_name").fill("巾帼志愿服务季报")
    page.locator("#id_period_kind").select_option(label="季报")
    page.get_by_label("村(社区)").check()
    page.locator("#id_deadline_days").fill("15")
    page.locator("#id_start_date").fill("2026-01-01")
    submit(page, "保存")
    expect(page.get_by_text("报表已建立")).to_be_visible()
    definition = FormDefinition.objects.get(code="妇统季9表")
    assert (definition.name, definition.period_kind, definition.deadline_days, definition.start_date) == (
        "巾帼志愿服务季报", "quarter", 15, datetime.date(2026, 1, 1))
    assert set(definition.level_list) == {"township", "village"}  # the township ticked by default, and 村
    cells = page.locator(f"form[action='{reverse('statforms:cell_add', args=[definition.pk])}']")
    cells.locator("[name=code]").fill("V1")
    cells.locator("[name=row_label]").fill("志愿者人数")
    cells.locator("[name=unit_label]").fill("人")
    with page.expect_navigation():
        cells.get_by_role("button", name="添加").click()
    expect(page.get_by_text("已添加指标")).to_be_visible()
    cells.locator("[name=code]").fill("V2")
    cells.locator("[name=row_label]").fill("其中新注册")
    with page.expect_navigation():
        cells.get_by_role("button", name="添加").click()
    rules = page.locator(f"form[action='{reverse('statforms:rule_add', args=[definition.pk])}']")
    rules.locator("[name=kind]").select_option(label="A ≤ B")
    rules.locator("[name=left]").fill("V2")
    rules.locator("[name=right]").fill("V1")
    rules.locator("[name=message]").fill("新注册不能多于志愿者总数。")
    with page.expect_navigation():
        rules.get_by_role("button", name="添加").click()
    expect(page.get_by_text("已添加规则")).to_be_visible()
    assert list(Cell.objects.filter(form=definition).values_list("code", "row_label")) == [
        ("V1", "志愿者人数"), ("V2", "其中新注册")]
    assert Rule.objects.get(form=definition).right == "V1"
    page.get_by_role("link", name="修改", exact=True).click()
    expect(page.locator("#id_name")).to_have_value("巾帼志愿服务季报")
    page.locator("#id_name").fill("巾帼志愿服务情况季报")
    submit(page, "保存")
    expect(page.get_by_text("已保存")).to_be_visible()
    assert FormDefinition.objects.get(pk=definition.pk).name == "巾帼志愿服务情况季报"


def test_director_starts_a_report_types_the_grid_and_sends_it_without_saving(live_server, new_page, form,
                                                                              personas):
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("statforms:home"))
    section = page.locator("h2", has_text=form.name).locator("xpath=following-sibling::div[1]")
    row = section.locator("tr", has_text=PERIOD.label)
    with page.expect_navigation():
        row.get_by_role("button", name="开始填报").click()
    report = Report.objects.get(form=form, unit=personas.village_a.unit, period_key=PERIOD.key)
    for code, value in {"B": "10", "C": "4", "D": "6", "P": "98.5", "M": "1200"}.items():
        page.locator(f"input[name=v_{code}]").fill(value)
    shot(page, "statforms_grid_phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    submit(page, "上报")  # never pressed 保存
    expect(page.get_by_text("已上报，等待上级审核")).to_be_visible()
    expect(page.locator("#status")).to_have_text("已上报")
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    stored = {v.cell.code: v.number for v in report.values.select_related("cell") if v.state == State.NUMBER}
    assert {code: stored[code] for code in "BCDPM"} == {"B": 10, "C": 4, "D": 6, "P": 98.5, "M": 1200}


def test_a_mostly_empty_report_asks_before_it_goes_up(live_server, new_page, reports, personas):
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("statforms:report", args=[reports.a.pk]))
    page.locator("input[name=v_B]").fill("10")
    submit(page, "上报")
    expect(page.locator("#confirm-submit")).to_contain_text("未填报")
    expect(page.locator("#confirm-submit")).to_contain_text("M 经费")
    assert Report.objects.get(pk=reports.a.pk).status == Status.DRAFT
    submit(page, "确认上报")
    expect(page.get_by_text("已上报，等待上级审核")).to_be_visible()
    assert Report.objects.get(pk=reports.a.pk).status == Status.SUBMITTED


def test_chair_returns_one_marks_one_not_received_and_approves_a_batch(live_server, new_page, reports, form,
                                                                     personas, tree):
    later = PERIOD.previous()
    for unit_user in (personas.village_a, personas.village_b):
        report = services.report_open(form=form, period=later, by=unit_user)
        fill(report, unit_user, **FULL)
        services.report_submit(report=report, by=unit_user)
    fill(reports.a, personas.village_a, **FULL)
    services.report_submit(report=reports.a, by=personas.village_a)
    page = new_page()
    log_in(page, live_server, personas.chair, reverse("statforms:report", args=[reports.a.pk]))
    page.get_by_placeholder("原因（必填）").fill("B项请与花名册核对")
    submit(page, "退回")
    expect(page.locator("#status")).to_have_text("已退回")
    assert Report.objects.get(pk=reports.a.pk).return_reason == "B项请与花名册核对"
    page.goto(live_server.url + reverse("statforms:report", args=[reports.township.pk]))
    row = page.locator("#below + ul li", has_text=tree.village_b.name)
    row.get_by_label(f"{tree.village_b.name}未收到原因").fill("村妇联主席外出务工")
    with page.expect_navigation():
        row.get_by_role("button", name="标记未收到").click()
    expect(page.get_by_text(f"已将{tree.village_b.name}的报表标记为未收到")).to_be_visible()
    assert Report.objects.get(pk=reports.b.pk).status == Status.ABSENT
    page.goto(live_server.url + reverse("statforms:home"))
    group = page.locator("section.approve-group", has_text=later.label)
    group.get_by_label("全选").check()
    submit(page, "批量审核通过")
    expect(page.get_by_text("已审核通过2份报表")).to_be_visible()
    approved = Report.objects.filter(form=form, period_key=later.key, status=Status.APPROVED)
    assert approved.count() == 2
    assert Event.objects.filter(report__in=approved, kind=Event.Kind.APPROVE, by=personas.chair).count() == 2


def test_county_sets_a_villages_go_live_date_on_its_page(live_server, new_page, personas, tree):
    page = new_page()
    log_in(page, live_server, personas.county, reverse("org:unit", args=[tree.village_b.pk]))
    page.get_by_role("link", name="设置上线日期").click()
    page.get_by_label("上线日期").fill("2026-04-01")
    submit(page, "保存")
    expect(page.locator("#live-from")).to_have_text("2026-04-01")
    tree.village_b.refresh_from_db()
    assert tree.village_b.live_from == datetime.date(2026, 4, 1)
