"""Every list page's filter form, in every area, labels each of its inputs: a <label for> bound to the
input (visible, or visually hidden beside a placeholder), so a screen reader names it and a phone user can
tell 起始日期 from 截止日期. Walks every page without URL arguments, as a county officer and a village
director, so a new list page is checked the day it is added."""

from html.parser import HTMLParser

import pytest
from django.urls import NoReverseMatch, reverse

from banbiantian.core.testing.matrix import url_names

SKIP_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _GetForms(HTMLParser):
    """The inputs of each <form method="get"> and the ids its labels point at."""

    def __init__(self):
        super().__init__()
        self.forms, self._form = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self._form = {"inputs": [], "labels": set(), "wrapped": 0}
            self.forms.append(self._form)
        elif self._form is not None:
            if tag == "label" and attrs.get("for"):
                self._form["labels"].add(attrs["for"])
            elif tag in ("input", "select", "textarea") and attrs.get("type", "text") not in SKIP_TYPES:
                self._form["inputs"].append((attrs.get("name"), attrs.get("id")))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def unlabelled(html: str) -> list[str]:
    parser = _GetForms()
    parser.feed(html)
    return [name or "?" for form in parser.forms for name, ident in form["inputs"] if not ident or ident not in
            form["labels"]]


def test_the_check_sees_a_missing_label():
    assert unlabelled('<form method="get"><input name="q" aria-label="搜索"><label for="d">日期</label>'
                      '<input id="d" name="d" type="date"><input type="hidden" name="x"></form>') == ["q"]


@pytest.mark.parametrize("who", ["county", "village_a"])
def test_every_filter_input_has_a_label(personas, login, who):
    client = login(getattr(personas, who))
    checked, missing = 0, {}
    for name in sorted(url_names()):
        if name.startswith("api:") or name in ("logout", "login"):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # a page about one record
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        checked += html.count('method="get"')
        bad = unlabelled(html)
        if bad:
            missing[name] = bad
    assert checked >= (8 if who == "county" else 4), "the walk found too few filter forms to mean anything"
    assert not missing, f"filter inputs without a <label for>: {missing}"
