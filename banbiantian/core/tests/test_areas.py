"""The area declarations: what core builds from them, and the mistakes it refuses."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from banbiantian.core import areas, checks
from banbiantian.core.roles import ROLE_PERMISSIONS, Role, all_permissions, policy_errors, role_permissions

# The areas of the federations' own work plans, in their order (others may come between them).
PLAN_ORDER = [("people", "人员信息"), ("organisation", "组织建设"), ("rights", "维权信访"), ("care", "关爱帮扶"),
              ("development", "发展"), ("families", "家庭"), ("activities", "活动"), ("planning", "计划统计")]


def test_the_menu_is_the_declared_areas_in_plan_order():
    menu = [(a.label, str(a.menu_label)) for a in areas.menu()]
    assert [entry for entry in menu if entry in PLAN_ORDER] == PLAN_ORDER
    assert [a.menu_order for a in areas.menu()] == sorted(a.menu_order for a in areas.menu())


def test_every_open_area_has_its_home_page_and_entry_permissions():
    for area in areas.declared():
        if area.is_open and area.menu_label:
            assert reverse(area.home_url).startswith("/" + area.url_prefix)
            assert area.entry_permissions <= set(all_permissions())


def test_unbuilt_areas_are_shown_as_not_open_to_every_user(personas, login):
    page = login(personas.viewer).get(reverse("dashboard")).content.decode()
    for label in ("组织建设", "发展", "家庭", "活动"):
        assert f"{label} <small>（尚未开放）</small>" in page


def test_the_county_admin_holds_every_declared_permission_and_the_others_only_theirs():
    assert role_permissions(Role.COUNTY_ADMIN) == set(all_permissions())
    assert role_permissions(Role.VIEWER) == ROLE_PERMISSIONS[Role.VIEWER]
    assert policy_errors() == []


def test_a_role_granted_an_undeclared_permission_is_a_check_error(monkeypatch):
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.VIEWER, ROLE_PERMISSIONS[Role.VIEWER] | {"view_nothing"})
    assert any("view_nothing" in str(e.msg) for e in checks.check_areas())


def test_the_system_check_passes():
    call_command("check")


def test_import_registries_and_api_routes_come_from_the_areas():
    registries = list(areas.import_registries())
    assert [name for name in registries if name in ("people", "rights", "care")] == ["people", "rights", "care"]
    assert "banbiantian.people.api" in areas.api_url_modules()
    assert reverse("api:person-list") == "/api/people/"


class _Seeder:
    def __init__(self, label, after=()):
        self.label, self.demo_after, self.demo_seeder = label, after, "demo.seed"


def _order(monkeypatch, *seeders):
    monkeypatch.setattr(areas, "declared", lambda: seeders)
    return [s.label for s in areas.demo_order()]


def test_demo_seeders_run_after_what_they_need_whatever_the_installed_order(monkeypatch):
    assert _order(monkeypatch, _Seeder("plan", ("*",)), _Seeder("care", ("rights",)), _Seeder("rights")) == [
        "rights", "care", "plan"]
    assert _order(monkeypatch, _Seeder("forms", ("*", "plan")), _Seeder("plan", ("*",)), _Seeder("care")) == [
        "care", "plan", "forms"]


def test_a_missing_or_circular_demo_dependency_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="needs 'families'"):
        _order(monkeypatch, _Seeder("care", ("families",)))
    with pytest.raises(ImproperlyConfigured, match="circle"):
        _order(monkeypatch, _Seeder("a", ("b",)), _Seeder("b", ("a",)))


def test_the_demo_seeders_of_this_installation_run_in_dependency_order():
    order = [a.label for a in areas.demo_order()]
    for area in areas.demo_order():
        after = [o.label for o in areas.demo_order() if "*" not in o.demo_after] if "*" in area.demo_after else []
        for before in [*after, *(a for a in area.demo_after if a != "*")]:
            if before != area.label:
                assert order.index(before) < order.index(area.label), (before, area.label)
    assert order.index("rights") < order.index("planning") < order.index("statforms")


def test_a_seeder_needing_one_that_runs_last_is_told_to_run_last_too(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match='say "\\*" too'):
        _order(monkeypatch, _Seeder("plan", ("*",)), _Seeder("care", ("plan",)))


def test_a_permission_declared_twice_is_a_check_error(monkeypatch):
    care = areas.get("care")
    monkeypatch.setattr(care, "permissions", {**care.permissions, "view_people": "x"})
    areas.area_permissions.cache_clear()
    try:
        assert any("view_people" in str(e.msg) for e in checks.check_areas())
    finally:
        monkeypatch.undo()
        areas.area_permissions.cache_clear()


def test_an_undeclared_member_is_a_check_error(monkeypatch):
    monkeypatch.setattr(areas.get("care"), "dashboard_panel", "dashboard.no_such_panel")
    assert any("no_such_panel" in str(e.msg) for e in checks.check_areas())
