"""A village director registers a visit on a 360-px phone: find the woman, answer the repeat prompt, save."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from banbiantian.core.testing.browser import PHONE, log_in, shot
from banbiantian.rights.models import Case

pytestmark = pytest.mark.browser


def test_director_registers_a_visit_on_a_phone(live_server, new_page, personas, woman, new_case):
    earlier = new_case(personas.village_a)
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("rights:register"))
    page.locator("#person-q").fill("wxy")
    page.get_by_role("link", name="王秀英").click()
    expect(page.get_by_text("该当事人已有 1 件信访记录")).to_be_visible()
    page.get_by_label(f"与 {earlier.number}", exact=False).check()
    page.locator("#id_category").select_option(label="婚姻家庭纠纷")
    page.locator("#id_request").fill("丈夫仍不让回娘家")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the form is wider than the phone: {width}px"
    shot(page, "rights_register_phone")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_text("已登记，案件编号")).to_be_visible()
    case = Case.objects.exclude(pk=earlier.pk).get()
    assert case.repeat_of == earlier and case.registered_by == personas.village_a
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
