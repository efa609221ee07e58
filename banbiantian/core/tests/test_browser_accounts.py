"""Accounts and the audit log in a real browser: creating and editing an account, unlocking a
locked one, and filtering the audit log (the harness is banbiantian/core/testing/browser.py)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from banbiantian.conftest import PASSWORD
from banbiantian.core.models import AuditEntry, User
from banbiantian.core.testing.browser import PHONE, log_in, shot, submit

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Qingxi-Village-77"


def test_chair_creates_a_village_director_then_corrects_her_name(live_server, new_page, personas, tree):
    page = new_page()
    log_in(page, live_server, personas.chair, reverse("users:create"))
    page.get_by_label("用户名").fill("t01_v09")
    page.get_by_label("姓名").fill("陈小红")
    page.get_by_label("手机号").fill("13900009999")
    page.get_by_label("所属单位").select_option(value=str(tree.village_a.pk))
    page.get_by_label("角色").select_option(label="村(社区)妇联主席/妇女主任")
    page.get_by_label("初始密码").fill(NEW_PASSWORD)
    page.get_by_label("再次输入密码").fill(NEW_PASSWORD)
    shot(page, "accounts-01-create")
    submit(page, "保存")
    expect(page.locator(".alert-success")).to_contain_text("已创建账号“t01_v09”")
    user = User.objects.get(username="t01_v09")
    assert (user.full_name, user.phone, user.unit, user.role) == ("陈小红", "13900009999", tree.village_a,
                                                                  "village_director")

    row = page.locator("tr", has_text="t01_v09")
    row.get_by_role("link", name="修改").click()
    expect(page.get_by_label("姓名")).to_have_value("陈小红")
    page.get_by_label("姓名").fill("陈晓红")
    submit(page, "保存")
    expect(page.locator(".alert-success")).to_contain_text("已保存账号“t01_v09”")
    expect(page.locator("tr", has_text="t01_v09")).to_contain_text("陈晓红")
    user.refresh_from_db()
    assert user.full_name == "陈晓红"
    assert AuditEntry.objects.filter(action="update", object_id=str(user.pk), actor=personas.chair,
                                     changes__full_name=["陈小红", "陈晓红"]).exists()


def test_a_locked_out_director_is_unlocked_by_her_chair(live_server, new_page, personas):
    personas.chair.full_name, personas.chair.phone = "张主席", "13900001234"
    personas.chair.save()
    director = new_page(**PHONE)
    director.goto(live_server.url + reverse("login"))
    for attempt in range(5):  # the fifth wrong password locks the account
        director.locator("#id_username").fill("village_a")
        director.locator("#id_password").fill("wrong-password")
        submit(director, "登录")
        if attempt < 4:
            expect(director.locator("form")).to_contain_text("用户名或密码错误")
    alert = director.get_by_role("alert")
    expect(alert).to_contain_text("已被暂时锁定")
    expect(alert).to_contain_text("之后再试")
    expect(alert).to_contain_text("乡镇(街道)妇联主席或县妇联管理员")
    expect(alert).not_to_contain_text("张主席")  # seen before signing in: no admin's name or phone
    expect(alert).not_to_contain_text("13900001234")
    shot(director, "accounts-02-locked-phone")

    chair = new_page()
    log_in(chair, live_server, personas.chair, reverse("users:list"))
    row = chair.locator("tr", has_text="village_a")
    expect(row).to_contain_text("已锁定")
    with chair.expect_navigation():
        row.get_by_role("button", name="解锁").click()
    expect(chair.locator(".alert-success")).to_contain_text("已解锁“village_a”")
    expect(chair.locator("tr", has_text="village_a")).not_to_contain_text("已锁定")
    shot(chair, "accounts-03-unlocked")

    director.goto(live_server.url + reverse("login"))
    director.locator("#id_username").fill("village_a")
    director.locator("#id_password").fill(PASSWORD)
    submit(director, "登录")
    expect(director).to_have_url(live_server.url + reverse("dashboard"))
    assert AuditEntry.objects.filter(actor=personas.chair, object_id=str(personas.village_a.pk),
                                     changes__locked=[True, False]).exists()


def test_county_admin_filters_the_audit_log(live_server, new_page, personas, tree):
    from banbiantian.core import services

    services.user_update(by=personas.chair, user=personas.village_a, full_name="李主任", phone="",
                         unit=tree.village_a, role="village_director")
    services.user_update(by=personas.county, user=personas.viewer, full_name="王查看", phone="",
                         unit=personas.viewer.unit, role="viewer")
    page = new_page()
    log_in(page, live_server, personas.county, reverse("audit:list"))
    page.get_by_label("操作", exact=True).select_option(label="修改")
    page.get_by_label("操作人用户名").fill("chair")
    page.get_by_label("对象类型").select_option(label="用户")
    submit(page, "查询")
    table = page.locator("table")
    expect(table).to_contain_text("李主任")
    expect(table).not_to_contain_text("王查看")
    expect(table).to_contain_text("姓名")
    assert "action=update" in page.url and "actor=chair" in page.url
    expect(page.get_by_label("操作人用户名")).to_have_value("chair")
    shot(page, "accounts-04-audit-filter")
