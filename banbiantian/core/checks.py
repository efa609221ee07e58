"""System checks (`manage.py check`, and a test): the declared areas and the policy table agree."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse

from . import areas
from .roles import policy_errors

MEMBERS = ("dashboard_panel", "api_urls", "demo_seeder", "summary_section")


def check_areas(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = [checks.Error(message, id="banbiantian.E001") for message in policy_errors()]
    for area in areas.declared():
        dotted = [getattr(area, name) for name in MEMBERS if getattr(area, name)]
        for path in [*dotted, *area.import_registries]:
            try:
                area.member(path)
            except ImportError as exc:
                errors.append(checks.Error(f"area {area.label!r} declares {path!r}, which cannot be imported: {exc}",
                                           id="banbiantian.E002"))
        if area.is_open and area.menu_label:
            try:
                reverse(area.home_url)
            except NoReverseMatch:
                errors.append(checks.Error(f"area {area.label!r} has no home page named {area.home_url!r}",
                                           id="banbiantian.E003"))
    try:
        areas.demo_order()
    except ImproperlyConfigured as exc:  # a missing or circular dependency
        errors.append(checks.Error(str(exc), id="banbiantian.E004"))
    return errors
