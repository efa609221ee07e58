"""Every planning form in a real browser: the county makes its plan, adds a counted target and a manual
one, edits a target, splits it to the townships; the township chair reports a manual target's actual."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from banbiantian.core.testing.browser import log_in, submit
from banbiantian.planning.models import Plan, Target

pytestmark = pytest.mark.browser


def test_county_plans_targets_splits_and_township_reports_an_actual(live_server, new_page, personas, tree):
    year = timezone.localdate().year
    page = new_page()
    log_in(page, live_server, personas.county, reverse("planning:home"))
    submit(page, f"制定{year}年计划")
    plan = Plan.objects.get(unit=tree.county, year=year)
    page.get_by_role("link", name="添加目标").click()
    page.locator("#id_metric_key").select_option(value="people.women")
    page.locator("#id_comparison").select_option(label="不少于（≥）")
    page.locator("#id_value").fill("60")
    submit(page, "保存")
    counted = Target.objects.get(plan=plan, metric_key="people.women")
    assert (counted.comparison, counted.value) == ("gte", 60)
    page.get_by_role("link", name="添加目标").click()
    page.locator("#id_comparison").select_option(label="不少于（≥）")
    page.locator("#id_value").fill("4")
    page.locator("#id_label").fill("大型宣传活动")
    page.locator("#id_measure_unit").fill("场")
    submit(page, "保存")
    manual = Target.objects.get(plan=plan, label="大型宣传活动")
    edit = reverse("planning:target_edit", args=[counted.pk])
    page.locator(f"a[href='{edit}']").click()
    expect(page.locator("#id_value")).to_have_value("60")
    page.locator("#id_value").fill("80")
    submit(page, "保存")
    counted.refresh_from_db()
    assert counted.value == 80
    page.locator(f"a[href='{reverse('planning:target_split', args=[manual.pk])}']").click()
    page.locator("#id_mode").select_option(label="逐个乡镇填写")
    page.get_by_label(tree.township.name).fill("3")
    page.get_by_label(tree.other_township.name).fill("1")
    submit(page, "分解")
    split = Target.objects.get(plan__unit=tree.township, plan__year=year, parent=manual)
    assert split.value == 3
    chair = new_page()
    own_plan = split.plan
    log_in(chair, live_server, personas.chair, reverse("planning:plan", args=[own_plan.pk]))
    chair.locator(f"a[href='{reverse('planning:target_actual', args=[split.pk])}']").click()
    chair.locator("#id_actual").fill("2")
    submit(chair, "保存")
    expect(chair.get_by_text("实际完成数已填报")).to_be_visible()
    split.refresh_from_db()
    assert split.actual == 2
