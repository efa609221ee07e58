"""Proof that an area declares itself: installing a minimal area app (core/tests/stub_area, in the
test settings only) puts it in the menu, the dashboard, the URL map, the permission list, the
permission-matrix coverage and the metrics registry, with no edit to any shared file."""

import importlib
import sys

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from banbiantian.core import areas, metrics
from banbiantian.core.roles import all_permissions
from banbiantian.core.testing import matrix

STUB = "banbiantian.core.tests.stub_area"


def _reload_url_maps():
    # The URL map is built from the declared areas when its module is imported.
    for name in ("banbiantian.api_urls", "banbiantian.urls"):
        if name in sys.modules:
            importlib.reload(sys.modules[name])
        else:
            importlib.import_module(name)
    clear_url_caches()


@pytest.fixture
def stub_installed():
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, STUB]):
        _reload_url_maps()
        yield areas.get("stubarea")
    metrics.unregister("stubarea.open_units")
    for name in [m for m in sys.modules if m.startswith(STUB)]:
        del sys.modules[name]
    _reload_url_maps()


def test_the_stub_is_declared_with_its_permissions(stub_installed):
    assert stub_installed in areas.declared()
    menu = areas.menu()
    assert stub_installed in menu and [a.menu_order for a in menu] == sorted(a.menu_order for a in menu)
    assert str(all_permissions()["view_stub"]) == "查看样例工作区"


def test_the_stub_is_in_the_menu_the_url_map_and_the_dashboard(stub_installed, personas, login):
    url = reverse("stubarea:home")
    assert url == "/stub/"
    admin_page = login(personas.county).get(reverse("dashboard")).content.decode()
    assert f'href="{url}"' in admin_page  # the county admin holds every declared permission
    assert "样例工作区" in admin_page and "样例卡片甲" in admin_page  # its dashboard panel
    chair_page = login(personas.chair).get(reverse("dashboard")).content.decode()
    assert f'href="{url}"' not in chair_page and "样例卡片甲" not in chair_page
    assert login(personas.county).get(url).status_code == 200
    assert login(personas.chair).get(url).status_code == 403


def test_the_stub_is_in_the_metrics_registry(stub_installed, tree):
    assert metrics.get("stubarea.open_units").area == "stubarea"
    period = metrics.Period("year", 2026)
    assert metrics.value("stubarea.open_units", tree.township, period) == 3  # 东塘镇 and its two villages


def test_the_permission_matrix_fails_until_the_stub_has_rows(stub_installed, monkeypatch):
    rows_module = importlib.import_module(f"{STUB}.tests.test_permission_matrix")
    monkeypatch.setattr(rows_module, "MATRIX", [])
    assert "stubarea:home" in matrix.uncovered()
    monkeypatch.undo()
    assert "stubarea:home" not in matrix.uncovered()


def test_without_the_stub_nothing_of_it_remains(tree):
    assert "stubarea" not in [a.label for a in areas.declared()]
    assert "view_stub" not in all_permissions()
    assert "stubarea.open_units" not in {m.key for m in metrics.all_metrics()}
