"""System checks (`manage.py check`, and CoreConfig.ready for the policy table): the declared areas
and the policy table agree, every declared member imports, nothing is declared twice."""

from collections import Counter

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse

from . import areas
from .models import AUDIT_OBJECT_LABELS

MEMBERS = ("dashboard_panel", "todo", "api_urls", "demo_seeder", "summary_section")


def area_errors() -> list[str]:
    from .roles import policy_errors

    try:  # a permission or a registry declared by two areas
        errors = policy_errors()
        areas.import_registries()
    except ImproperlyConfigured as exc:
        return [str(exc)]
    kinds = Counter([*AUDIT_OBJECT_LABELS, *(kind for area in areas.declared() for kind in area.audit_labels)])
    errors += [f"audit label {kind!r} is declared twice" for kind, n in kinds.items() if n > 1]
    for area in areas.declared():
        dotted = [getattr(area, name) for name in MEMBERS if getattr(area, name)]
        for path in [*dotted, *area.import_registries]:
            try:
                area.member(path)
            except ImportError as exc:
                errors.append(f"area {area.label!r} declares {path!r}, which cannot be imported: {exc}")
        if area.is_open:
            try:
                reverse(area.home_url)
            except NoReverseMatch:
                errors.append(f"area {area.label!r} has no home page named {area.home_url!r}")
    try:
        areas.demo_order()
    except ImproperlyConfigured as exc:  # a missing or circular dependency
        errors.append(str(exc))
    return errors


def check_areas(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [checks.Error(message, id="banbiantian.E001") for message in area_errors()]
