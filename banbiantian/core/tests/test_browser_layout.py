"""The frame every page shares, read from the browser's computed styles: the top menu's text is readable
(WCAG AA, at least 4.5:1 against what is behind it), and on a 360-px phone every area's home page and every
page of its sub-navigation fits the screen (wide tables scroll in their own box, never the page)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from banbiantian.core import areas
from banbiantian.core.models import User
from banbiantian.core.testing.browser import PHONE, log_in, shot

pytestmark = pytest.mark.browser

AA = 4.5

# Each visible piece of text in `scope`, with its contrast against the first opaque background behind it
# (its colour's alpha blended over that background, as the screen shows it).
CONTRASTS = """(scope) => {
  const rgba = (s) => { const p = s.match(/rgba?\\(([^)]+)\\)/)[1].split(',').map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const behind = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor); if (c[3] > 0) return c; } return [255, 255, 255, 1]; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  return [...document.querySelectorAll(scope)].filter((e) => e.offsetParent !== null && e.innerText.trim()).map((e) => {
    const fg = rgba(getComputedStyle(e).color), bg = behind(e);
    const seen = [0, 1, 2].map((i) => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
    const a = lum(seen), b = lum(bg);
    return [e.innerText.trim().split('\\n')[0], Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 100) / 100];
  });
}"""
NAV_TEXT = ("nav.navbar .navbar-brand, nav.navbar .nav-link, nav.navbar .navbar-text, nav.navbar .btn, "
            "nav.navbar .dropdown-item-text")


def test_the_top_menu_is_readable(live_server, new_page, personas):
    page = new_page(viewport={"width": 1400, "height": 900})  # the whole menu on one line
    log_in(page, live_server, personas.county, reverse("people:home"))
    shown = page.evaluate(CONTRASTS, NAV_TEXT)
    assert {"半边天", "人员信息", "退出"} <= {text for text, _ratio in shown}, shown
    page.get_by_role("button", name="更多工作").or_(page.get_by_role("link", name="更多工作")).click()
    opened = page.evaluate(CONTRASTS, "nav.navbar .dropdown-menu.show *")
    assert opened, "the 更多工作 menu shows the areas not yet open"
    low = [(text, ratio) for text, ratio in shown + opened if ratio < AA]
    assert not low, f"top-menu text below {AA}:1: {low}"
    shot(page, "navbar-desktop")


def _sub_navigation(page):
    """The links of the page's own sub-navigation (an area's _nav.html: pills or a breadcrumb), as paths."""
    return page.eval_on_selector_all(
        "main ul.nav a.nav-link, main .breadcrumb a",
        "links => [...new Set(links.map(a => a.getAttribute('href')).filter(h => h && h.startsWith('/')))]")


@pytest.mark.parametrize("username", ["county_admin", "t01_chair", "t01_v01"])
def test_every_area_and_its_sub_navigation_fits_a_phone(live_server, new_page, username):
    # The demo county, small: real records in every area (petitions for the 信访登记簿, long names and
    # addresses), each area's own pages.
    call_command("seed_demo", "--townships", "2", "--villages", "3", "--people", "150", stdout=io.StringIO())
    user = User.objects.get(username=username)
    homes = [reverse(f"{area.label}:home") for area in areas.menu() if area.is_open
             and (not area.entry_permissions or area.entry_permissions & user.permission_names)]
    assert len(homes) >= 3, homes
    page = new_page(**PHONE)
    log_in(page, live_server, user, homes[0])
    seen, wide = set(), {}
    for home in homes:
        todo = [home]
        page.goto(live_server.url + home)
        todo += _sub_navigation(page)
        for path in todo:
            if path in seen:
                continue
            seen.add(path)
            answer = page.request.get(live_server.url + path)
            if not answer.ok or not answer.headers.get("content-type", "").startswith("text/html"):
                continue  # a download (the year-end .docx), or a page her role does not open
            page.goto(live_server.url + path)
            expect(page.locator("main")).to_be_visible()
            width = page.evaluate("document.scrollingElement.scrollWidth")
            shot(page, f"fit-{username}{path.replace('/', '_')}")
            if width > 360:
                wide[path] = width
    assert len(seen) > len(homes), "no sub-navigation was found to follow"
    assert not wide, f"pages wider than a 360-px phone (px): {wide}"
