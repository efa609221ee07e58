"""On a 360-px phone, a village director finds the case handed to her village on her 待办, taps it and
records what she did (交村跟进); the case shows it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from banbiantian.core.testing.browser import PHONE, log_in, shot
from banbiantian.rights import services
from banbiantian.rights.models import VillageFollowUp

pytestmark = pytest.mark.browser


def test_director_records_a_village_follow_up_on_a_phone(live_server, new_page, personas, new_case):
    today = timezone.localdate()
    case = services.case_accept(by=personas.chair, case=new_case(personas.chair),
                                on=today - datetime.timedelta(days=2))
    services.case_assign(by=personas.chair, case=case, assignee=personas.village_a)
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("dashboard"))
    todo = page.locator("#todo")
    expect(todo).to_contain_text(f"交村跟进：{case.number}")
    shot(page, "dashboard_todo_phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with page.expect_navigation():
        todo.get_by_role("link", name=f"交村跟进：{case.number}").click()
    form = page.locator(f"form[action='{reverse('rights:action', args=[case.pk, 'village_followup'])}']")
    expect(form).to_be_visible()  # her action comes first, open
    form.get_by_label("跟进日期").fill(today.isoformat())
    form.get_by_label("跟进情况（做了什么，当事人现在怎样）").fill("上门走访两次，丈夫已写下保证书")
    with page.expect_navigation():
        form.get_by_role("button", name="登记交村跟进情况").click()
    expect(page.get_by_text("已办理：登记交村跟进情况")).to_be_visible()
    expect(page.locator("#village-followups")).to_contain_text("上门走访两次，丈夫已写下保证书")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    followup = VillageFollowUp.objects.get(case=case)
    assert (followup.by, followup.done_on, followup.result) == (personas.village_a, today, "上门走访两次，丈夫已写下保证书")
    page.goto(live_server.url + reverse("dashboard"))
    expect(page.locator("#todo")).not_to_contain_text(case.number)


def test_dashboard_tiles_are_tapped_anywhere_on_a_phone(live_server, new_page, personas):
    page = new_page(**PHONE)
    log_in(page, live_server, personas.chair, reverse("dashboard"))
    tile = page.locator(f"a.stat-card-link[href='{reverse('rights:home')}?due=overdue']")
    tile.scroll_into_view_if_needed()
    box = tile.bounding_box()
    assert box["width"] >= 120  # half the phone's width, not just the figure
    with page.expect_navigation():
        page.mouse.click(box["x"] + 8, box["y"] + 8)  # the tile's corner, far from its number
    expect(page).to_have_url(live_server.url + reverse("rights:home") + "?due=overdue")
