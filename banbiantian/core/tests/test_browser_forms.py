"""Core's forms filled in a real browser as their users fill them (org units, accounts, passwords), and the
guard every POST form has against a second submission: the button disabled while the form is posted, a
second tap ignored, and the same form sent again after Back answered with the first result."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from banbiantian.core.models import OrgUnit, User
from banbiantian.core.testing.browser import PHONE, log_in, shot
from banbiantian.core.testing.personas import PASSWORD
from banbiantian.people.models import Person

pytestmark = pytest.mark.browser

TODAY = timezone.localdate()
NEW_PASSWORD = "Qingxi-Fulian-2027"
SAVE = "document.querySelector('main form[method=post] button[type=submit]')"
# A network that never answers: the page stays, each submission that would go out is counted (after the
# product's own submit handler has had its say), none leaves.
STALL = """() => { window.__sent = 0; window.addEventListener("submit", e => {
    if (!e.defaultPrevented) window.__sent++; e.preventDefault(); }); }"""


def _save(page, scope=None, name="保存"):
    with page.expect_navigation():
        (scope or page).get_by_role("button", name=name, exact=True).click()


def _done(page, text):
    expect(page.locator(".alert-success")).to_contain_text(text)


def _fill_person(page, tree, name="李桂兰"):
    page.get_by_label("姓名").fill(name)
    page.get_by_label("所属村(社区)").select_option(str(tree.village_a.pk))
    page.get_by_label("联系电话").fill("13812345678")


# --- a second submission --------------------------------------------------------------------------------

def test_a_second_tap_while_the_form_is_posted_is_ignored(live_server, new_page, personas, tree):
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("people:create"))
    _fill_person(page, tree)
    page.evaluate(STALL)
    button = page.get_by_role("button", name="保存", exact=True)
    button.click()
    expect(button).to_be_disabled()
    button.click(force=True)  # a second tap on the greyed button
    page.evaluate(f"{SAVE}.form.requestSubmit()")  # or a submit by Enter
    assert page.evaluate("window.__sent") == 1
    with page.expect_navigation():
        page.evaluate(f"{SAVE}.form.submit()")  # the slow network answers the one submission at last
    _done(page, "已登记“李桂兰”。")
    assert Person.objects.filter(name="李桂兰").count() == 1


def test_back_to_the_cached_form_then_save_again_shows_the_first_result(live_server, new_page, personas, tree):
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("people:create"))
    form = page.locator("form", has=page.get_by_role("button", name="保存", exact=True))
    as_shown = form.evaluate("f => f.outerHTML")
    _fill_person(page, tree)
    _save(page)
    person = Person.objects.get(name="李桂兰")
    expect(page).to_have_url(live_server.url + reverse("people:detail", args=[person.pk]))

    page.go_back()
    # A phone's back-forward cache gives the page back as it was (chromium under test fetches it again).
    form.evaluate("(f, html) => { f.outerHTML = html; }", as_shown)
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    _fill_person(page, tree)
    _save(page)
    expect(page.locator(".alert-info")).to_contain_text("该表单已提交，未重复保存。")
    expect(page).to_have_url(live_server.url + reverse("people:detail", args=[person.pk]))
    assert Person.objects.filter(name="李桂兰").count() == 1
    shot(page, "core-form-once")


def test_back_from_the_cache_gives_the_buttons_back(live_server, new_page, personas, tree):
    """The buttons disabled while posting come back when Back shows the page again (pageshow)."""
    page = new_page()
    log_in(page, live_server, personas.village_a, reverse("people:create"))
    _fill_person(page, tree)
    page.evaluate(STALL)
    button = page.get_by_role("button", name="保存", exact=True)
    button.click()
    expect(button).to_be_disabled()
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    expect(button).to_be_enabled()
    button.click()
    assert page.evaluate("window.__sent") == 2


def test_a_refused_form_can_be_corrected_and_sent(live_server, new_page, personas, tree):
    """The one-time token is spent only by a save: a form sent back with errors can be sent again."""
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("people:create"))
    _fill_person(page, tree)
    page.get_by_label("联系电话").fill("12")
    page.get_by_label("身份证号").fill("33012219")
    _save(page)
    expect(page.get_by_text(re.compile("^联系电话："))).to_be_visible()
    expect(page.get_by_text(re.compile("^身份证号："))).to_be_visible()  # both errors at once
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_label("身份证号").fill("")
    _save(page)
    _done(page, "已登记“李桂兰”。")
    assert Person.objects.filter(name="李桂兰").count() == 1


# --- org units ------------------------------------------------------------------------------------------

def test_add_a_village_under_the_township(live_server, new_page, personas, tree):
    page = new_page()
    log_in(page, live_server, personas.county, reverse("org:unit", args=[tree.township.pk]))
    with page.expect_navigation():
        page.get_by_role("link", name="增设下级单位").click()
    page.get_by_label("名称").fill("新桥村")
    page.get_by_label("统计区划代码").fill("330122101009")
    page.get_by_label("层级").select_option("village")
    page.get_by_label("启用日期").fill(TODAY.isoformat())
    _save(page)
    _done(page, "已增设“新桥村”。")
    unit = OrgUnit.objects.get(code="330122101009")
    assert unit.name == "新桥村" and unit.parent == tree.township and unit.level == "village"
    expect(page.locator("h1")).to_contain_text("新桥村")


def test_close_a_merged_village(live_server, new_page, personas, tree):
    page = new_page()
    log_in(page, live_server, personas.county, reverse("org:unit", args=[tree.village_b.pk]))
    with page.expect_navigation():
        page.get_by_role("link", name="撤销（合并）").click()
    page.get_by_label("撤销日期").fill(TODAY.isoformat())
    page.get_by_label("说明").fill("并入东塘村")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("撤销|保存")).click()
    _done(page, "已撤销“桥头村”")
    tree.village_b.refresh_from_db()
    assert tree.village_b.active_to == TODAY and "并入东塘村" in tree.village_b.note


# --- accounts (the user forms as they are) ---------------------------------------------------------------

def test_create_an_account(live_server, new_page, personas, tree):
    page = new_page()
    log_in(page, live_server, personas.chair, reverse("users:create"))
    page.get_by_label("用户名").fill("t01_v09")
    page.get_by_label("姓名").fill("张美华")
    page.get_by_label("手机号").fill("13700000009")
    page.get_by_label("所属单位").select_option(str(tree.village_a.pk))
    page.get_by_label("角色").select_option(label="村(社区)妇联主席/妇女主任")
    page.get_by_label("初始密码").fill(NEW_PASSWORD)
    page.get_by_label("再次输入密码").fill(NEW_PASSWORD)
    _save(page)
    _done(page, "已创建账号“t01_v09”")
    user = User.objects.get(username="t01_v09")
    assert user.full_name == "张美华" and user.unit == tree.village_a and user.role == "village_director"
    assert user.check_password(NEW_PASSWORD)
    expect(page.get_by_role("cell", name="张美华")).to_be_visible()


def test_edit_an_account(live_server, new_page, personas, tree):
    target = personas.village_b
    page = new_page()
    log_in(page, live_server, personas.chair, reverse("users:edit", args=[target.pk]))
    page.get_by_label("姓名").fill("赵小红")
    page.get_by_label("手机号").fill("13700000010")
    _save(page)
    _done(page, "已保存账号")
    target.refresh_from_db()
    assert target.full_name == "赵小红" and target.phone == "13700000010"


def test_reset_a_password_then_switch_the_account_off(live_server, new_page, personas):
    target = personas.village_b
    page = new_page()
    log_in(page, live_server, personas.chair, reverse("users:password", args=[target.pk]))
    page.get_by_label("新密码", exact=False).first.fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    _save(page)
    _done(page, "已重置")
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)

    row = page.locator("tr", has_text=target.username)
    with page.expect_navigation():
        row.get_by_role("button", name="停用").click()
    target.refresh_from_db()
    assert not target.is_active


def test_change_my_own_password(live_server, new_page, personas):
    me = personas.village_a
    page = new_page(**PHONE)
    log_in(page, live_server, me, reverse("users:my_password"))
    page.get_by_label("原密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=False).first.fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    _save(page)
    _done(page, "密码已修改。")
    me.refresh_from_db()
    assert me.check_password(NEW_PASSWORD)


def test_account_list_filter(live_server, new_page, personas):
    page = new_page()
    log_in(page, live_server, personas.county, reverse("users:list"))
    search = page.locator("input[name=q]")
    search.fill("village_b")
    with page.expect_navigation():
        search.press("Enter")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("village_b")


def test_audit_log_filter(live_server, new_page, personas, tree):
    from banbiantian.people import services

    services.person_create(by=personas.village_a, unit=tree.village_a, name="王秀英",
                           birth_date=datetime.date(1980, 1, 1))
    page = new_page()
    log_in(page, live_server, personas.county, reverse("audit:list"))
    page.locator("input[name=actor]").fill("village_a")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("筛选|查询|查看")).first.click()
    expect(page.get_by_text("王秀英").first).to_be_visible()
