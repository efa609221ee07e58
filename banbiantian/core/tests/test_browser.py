"""Real-browser checks of the foundation pages (the harness is banbiantian/core/testing/browser.py)."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry
from banbiantian.core.testing.browser import PHONE, log_in, shot

pytestmark = pytest.mark.browser


def test_director_finds_a_person_by_initials_and_changes_her_phone(live_server, new_page, personas, tree):
    wang = make_person(tree.village_a, "王秀英", phone="13812345678")
    make_person(tree.village_a, "李桂兰", phone="13700000001")
    make_person(tree.village_b, "王晓燕")  # same initials, other village: never listed for village A
    page = new_page()
    log_in(page, live_server, personas.village_a, reverse("people:home"))

    results = page.locator("#results")
    expect(results).to_contain_text("李桂兰")
    expect(results).not_to_contain_text("王晓燕")
    page.evaluate("window.__notReloaded = true")
    page.locator("input[name=q]").press_sequentially("wxy", delay=50)
    expect(results).not_to_contain_text("李桂兰")
    row = results.get_by_role("link", name="王秀英")
    expect(row).to_be_visible()
    expect(results).to_contain_text("共 1 人")
    assert page.evaluate("window.__notReloaded") is True, "the search reloaded the page instead of htmx swapping"
    expect(page).to_have_url(re.compile(re.escape(live_server.url + reverse("people:home")) + r"\?q=wxy(&|$)"))  # hx-push-url
    shot(page, "01-search-wxy")

    row.click()
    expect(page).to_have_url(live_server.url + reverse("people:detail", args=[wang.pk]))
    expect(page.locator("h1")).to_contain_text("王秀英")
    page.get_by_role("link", name="修改", exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("people:edit", args=[wang.pk]))
    phone = page.get_by_label("联系电话")
    expect(phone).to_have_value("13812345678")
    phone.fill("139 0000 1111")  # typed with spaces, stored normalised
    shot(page, "02-edit-form")
    page.get_by_role("button", name="保存").click()

    expect(page).to_have_url(live_server.url + reverse("people:detail", args=[wang.pk]))
    expect(page.locator(".alert-success")).to_contain_text("已保存“王秀英”的信息。")
    expect(page.locator("dt:has-text('联系电话') + dd")).to_have_text("13900001111")
    shot(page, "03-saved")

    wang.refresh_from_db()
    assert wang.phone == "13900001111"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, object_id=str(wang.pk))
    assert entry.actor == personas.village_a
    assert entry.unit == tree.village_a
    assert entry.changes == {"phone": ["13812345678", "13900001111"]}


def test_phone_width_pages_fit_and_navbar_collapses(live_server, new_page, personas, tree):
    wang = make_person(tree.village_a, "欧阳秀英", phone="0571-88889999",
                       address="清溪县东塘镇东塘村三组一百二十八号附近靠近村委会文化礼堂的那一排房子")
    for name in ["李桂兰", "张美华", "陈晓燕"]:
        make_person(tree.village_a, name, phone="13700000001")
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("people:home"))

    def fits(name):
        page.wait_for_load_state("load")
        shot(page, name)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 360, f"{name}: page is {width}px wide at a 360px viewport (horizontal scrolling)"

    def navbar_collapsed(name):
        menu = page.locator("#mainnav")
        toggler = page.locator(".navbar-toggler")
        expect(toggler).to_be_visible()
        expect(menu).to_be_hidden()
        toggler.click()
        expect(menu).to_have_class(re.compile(r"\bcollapse show\b"))  # Bootstrap ignores clicks mid-transition
        expect(menu.get_by_role("link", name="组织机构")).to_be_visible()
        fits(name)
        toggler.click()
        expect(menu).to_be_hidden()

    expect(page.locator("#results")).to_contain_text("欧阳秀英")
    fits("04-phone-list")
    navbar_collapsed("04b-phone-list-menu-open")

    page.locator("#results").get_by_role("link", name="欧阳秀英").click()
    expect(page).to_have_url(live_server.url + reverse("people:detail", args=[wang.pk]))
    fits("05-phone-person")
    navbar_collapsed("05b-phone-person-menu-open")

    page.get_by_role("link", name="修改", exact=True).click()
    expect(page.get_by_role("button", name="保存")).to_be_visible()
    fits("06-phone-edit-form")


def test_other_village_director_typing_the_url_gets_404(live_server, new_page, personas, tree):
    wang = make_person(tree.village_a, "王秀英", phone="13812345678")
    own = make_person(tree.village_b, "李桂兰")
    page = new_page()
    own_url = reverse("people:detail", args=[own.pk])
    log_in(page, live_server, personas.village_b, own_url)
    expect(page.locator("h1")).to_contain_text("李桂兰")

    response = page.goto(live_server.url + reverse("people:detail", args=[wang.pk]))
    assert response.status == 404
    shot(page, "07-outsider-404")
    body = page.content()
    assert "王秀英" not in body and "13812345678" not in body and wang.id_number_masked not in body
    assert "页面不存在" in body or "Not Found" in body
    response = page.goto(live_server.url + reverse("people:edit", args=[wang.pk]))
    assert response.status == 404


def _merged_village(tree):
    from banbiantian.core.models import Level, OrgUnit

    return OrgUnit.objects.create(code="330122101009", name="桥西村", level=Level.VILLAGE, parent=tree.township,
                                  active_to=datetime.date(2024, 12, 31), note="并入东塘村")


def test_chair_registers_a_woman_choosing_her_village_and_the_merged_one_is_not_offered(
        live_server, new_page, personas, tree):
    """The one unit picker (core.forms.UnitField) as a chair meets it: 桥西村 was merged, so it is not among
    the villages offered for a new person; she picks 桥头村, types the name and the number, and saves."""
    from banbiantian.conftest import make_id_number
    from banbiantian.people.models import Person

    _merged_village(tree)
    page = new_page()
    log_in(page, live_server, personas.chair, reverse("people:create"))
    village = page.get_by_label("所属村(社区)")
    offered = [t.strip() for t in village.locator("option").all_inner_texts()]
    assert "桥头村" in offered and "东塘村" in offered
    assert not any("桥西村" in t for t in offered), offered
    village.select_option(label="桥头村")
    page.get_by_label("姓名").fill("周美娟")
    number = make_id_number(datetime.date(1979, 5, 2), seq=31)
    page.get_by_label("身份证号").press_sequentially(number, delay=10)
    page.get_by_label("联系电话").fill("13605710001")
    shot(page, "08-register-unit-picker")
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".alert-success")).to_contain_text("已登记“周美娟”。")
    person = Person.objects.get(name="周美娟")
    assert person.unit == tree.village_b and person.id_number == number
    expect(page).to_have_url(live_server.url + reverse("people:detail", args=[person.pk]))


def test_director_on_a_phone_registers_in_her_own_village_only(live_server, new_page, personas, tree):
    from banbiantian.people.models import Person

    _merged_village(tree)
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("people:create"))
    village = page.get_by_label("所属村(社区)")
    offered = [t.strip() for t in village.locator("option").all_inner_texts() if t.strip() != "请选择"]
    assert offered == ["东塘村"], offered
    village.select_option(label="东塘村")
    page.get_by_label("姓名").fill("吴小红")
    page.get_by_label("出生日期").fill("1990-08-15")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 360, f"the registration form is {width}px wide at a 360px viewport"
    shot(page, "09-phone-register")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已登记“吴小红”。")
    assert Person.objects.get(name="吴小红").unit == tree.village_a
