"""Every people create and edit form filled in a real browser, the way a user does: typing, tapping the X key,
ticking groups, picking from a search. Registration as a village director on a 360-px phone."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from banbiantian.conftest import make_id_number, make_person
from banbiantian.core.testing.browser import PHONE, log_in, shot, submit
from banbiantian.people.models import GroupMembership, Person

pytestmark = pytest.mark.browser


def _number_ending_in_x(birth=datetime.date(1988, 6, 15)):
    return next(n for n in (make_id_number(birth, seq=s) for s in range(1, 200)) if n.endswith("X"))


def _fits(page, name):
    shot(page, name)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 360, f"{name}: the page is {width}px wide on a 360-px phone"


def test_director_registers_a_woman_with_her_groups_on_a_phone(live_server, new_page, personas, tree):
    number = _number_ending_in_x()
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("people:create"))

    expect(page.get_by_label("所属村(社区)")).to_have_value(str(tree.village_a.pk))  # her only village, chosen
    page.get_by_label("姓名").fill("王秀英")
    id_input = page.get_by_label("身份证号")
    expect(id_input).to_have_attribute("inputmode", "numeric")  # the digit pad …
    id_input.press_sequentially(number[:17])
    page.get_by_role("button", name="输入末位X").click()  # … and the X it lacks
    expect(id_input).to_have_value(number)
    phone = page.get_by_label("联系电话")
    expect(phone).to_have_attribute("type", "tel")
    expect(phone).to_have_attribute("inputmode", "tel")
    phone.fill("13812345678")
    page.get_by_label("留守妇女").check()
    page.get_by_label("贫困母亲").check()
    expect(page.get_by_label("特殊群体起始日期")).to_have_value(timezone.localdate().isoformat())
    _fits(page, "people-register-phone")
    submit(page, "保存")

    person = Person.objects.get(name="王秀英")
    assert (person.unit, person.id_number, person.phone, person.birth_date) == (
        tree.village_a, number, "13812345678", datetime.date(1988, 6, 15))
    assert {(m.group.name, m.start_date) for m in person.memberships.all()} == {
        ("留守妇女", timezone.localdate()), ("贫困母亲", timezone.localdate())}
    expect(page).to_have_url(live_server.url + reverse("people:detail", args=[person.pk]))
    expect(page.locator(".alert-success")).to_contain_text("已登记“王秀英”。")
    expect(page.locator("main")).to_contain_text("留守妇女")
    expect(page.locator("main")).to_contain_text("贫困母亲")
    _fits(page, "people-registered-phone")


def test_director_corrects_a_woman_on_a_phone(live_server, new_page, personas, tree):
    wang = make_person(tree.village_a, "王秀英", phone="13812345678")
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("people:edit", args=[wang.pk]))
    expect(page.get_by_label("特殊群体起始日期")).to_have_count(0)  # groups are kept on her page
    page.get_by_label("家庭住址").fill("东塘村三组18号")
    page.get_by_label("婚姻状况").select_option(label="已婚")
    page.get_by_label("联系电话").fill("0571-8888 9999")
    _fits(page, "people-edit-phone")
    submit(page, "保存")

    wang.refresh_from_db()
    assert (wang.address, wang.get_marital_status_display(), wang.phone) == ("东塘村三组18号", "已婚", "0571-88889999")
    expect(page.locator("dt:has-text('家庭住址') + dd")).to_have_text("东塘村三组18号")


def test_chair_adds_and_ends_a_special_group_on_her_page(live_server, new_page, personas, tree):
    wang = make_person(tree.village_a, "王秀英")
    page = new_page()
    log_in(page, live_server, personas.chair, reverse("people:detail", args=[wang.pk]))
    page.get_by_label("特殊群体", exact=True).select_option(label="单亲特困母亲")
    expect(page.get_by_label("起始日期")).to_have_value(timezone.localdate().isoformat())
    submit(page, "添加特殊群体身份")
    expect(page.locator(".alert-success")).to_contain_text("已添加特殊群体身份。")
    membership = GroupMembership.objects.get(person=wang)
    assert (membership.group.name, membership.start_date, membership.end_date) == (
        "单亲特困母亲", timezone.localdate(), None)

    page.get_by_label("结束日期", exact=True).first.fill(timezone.localdate().isoformat())
    submit(page, "结束")
    expect(page.locator(".alert-success")).to_contain_text("已结束该特殊群体身份。")
    membership.refresh_from_db()
    assert membership.end_date == timezone.localdate()


def test_director_builds_a_household_and_names_a_guardian_on_a_phone(live_server, new_page, personas, tree):
    mother = make_person(tree.village_a, "王秀英")
    make_person(tree.village_a, "王晓燕", birth=datetime.date(1990, 1, 1))  # an adult of the same initials
    child = make_person(tree.village_a, "李小红", birth=timezone.localdate().replace(year=timezone.localdate().year - 9,
                                                                                   day=1))
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("people:detail", args=[mother.pk]))
    submit(page, "新建家庭户（本人为户主）")
    expect(page.locator(".alert-success")).to_contain_text("已新建家庭户，本人为户主。")

    page.get_by_label("添加家庭成员（本村已登记人员）").fill("lxh")
    row = page.locator("#household-candidates li", has_text="李小红")
    row.get_by_label("与户主关系").select_option(label="子女")
    with page.expect_navigation():
        row.get_by_role("button", name="加入").click()
    expect(page.locator(".alert-success")).to_contain_text("已将“李小红”加入家庭户。")
    child.refresh_from_db()
    mother.refresh_from_db()
    assert child.household_id == mother.household_id and child.get_relation_to_head_display() == "子女"
    _fits(page, "people-household-phone")

    page.goto(live_server.url + reverse("people:detail", args=[child.pk]))
    page.get_by_placeholder(re.compile("查找监护人")).fill("wxy")
    row = page.locator("#guardian-candidates li", has_text="王秀英")
    with page.expect_navigation():
        row.get_by_role("button", name="设为监护人").click()
    expect(page.locator(".alert-success")).to_contain_text("已设置监护人“王秀英”。")
    child.refresh_from_db()
    assert child.guardian == mother
    expect(page.locator("dt:has-text('监护人') + dd")).to_contain_text("王秀英")
    _fits(page, "people-guardian-phone")


def test_director_finds_a_woman_by_the_last_four_characters_of_her_id(live_server, new_page, personas, tree):
    number = _number_ending_in_x(datetime.date(1979, 2, 3))
    make_person(tree.village_a, "王秀英", id_number=number)
    make_person(tree.village_a, "李桂兰")
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("people:home"))
    results = page.locator("#results")
    expect(results).to_contain_text("李桂兰")
    page.get_by_label("搜索").press_sequentially(number[-4:].lower(), delay=30)  # as she hears it: “…三四五x”
    expect(results).not_to_contain_text("李桂兰")
    expect(results.get_by_role("link", name="王秀英")).to_be_visible()
    expect(results).to_contain_text("共 1 人")
    _fits(page, "people-search-tail-phone")

