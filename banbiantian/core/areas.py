"""Work areas declare themselves: one AppConfig per area, read by core to build everything shared.

An area app's `apps.py` subclasses `AreaConfig` and says, in one place, what it adds: its menu
entry, where its pages live, who may enter, the permissions it defines, its dashboard panel and 待办, its
import registries, its API routes, the labels of its audit entries, its demo seeder (and which
areas' demo records it needs first) and its section of the year-end summary. Core builds the
menu, the URL map, the API URL map, the import engine's registries, the permission list, the
dashboard, the demo county and the summary from these declarations, and discovers each area's
`metrics.py` with `autodiscover_modules` (as django.contrib.admin discovers `admin.py`).

Why an AppConfig rather than a registry module of our own: Django already imports every app's
AppConfig before anything else, in one known place (INSTALLED_APPS), so a declaration there needs
no import side effect and no ordering trick, and an app that is not installed declares nothing.

Callables and modules are named by dotted paths relative to the app ("dashboard.rights_panel"),
imported only when used, so an apps.py never imports models. See docs/adding-an-area.md.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import import_module

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string


class AreaConfig(AppConfig):
    """The declaration of one work area. Every attribute but `name`/`label` is optional."""

    # Django takes the one AppConfig subclass of an app's apps.py as its config; this base, imported
    # there, must not count, and each area's own subclass must (see __init_subclass__).
    default = False

    menu_label = None  # Chinese name in the menu; None: no menu entry of its own (e.g. the import pages)
    menu_order = 100  # position in the menu, the dashboard, the summary and the demo build
    url_prefix: str | None = None  # where its pages are mounted ("rights/"); None: 尚未开放 (declared, not built)
    entry_permissions: frozenset[str] = frozenset()  # the menu links the area for holders of any of these
    permissions: dict = {}  # the permission names the area defines -> Chinese labels
    dashboard_panel: str | None = None  # "dashboard.rights_panel": callable(user) -> panel dict or None
    todo: str | None = None  # "dashboard.todo": callable(user) -> [core.dashboard.TodoItem]: what she owes
    import_registries: tuple[str, ...] = ()  # ("transfer.REGISTRY",): the import engine's registries
    api_urls: str | None = None  # "api": a module whose urlpatterns are mounted under /api/
    audit_labels: dict = {}  # kind of an audit entry that is not one model row -> Chinese label
    demo_seeder: str | None = None  # "demo.seed": seed(county, *, rng, today, log) -> one Chinese line
    demo_after: tuple[str, ...] = ()  # labels of the areas whose demo records the seeder uses
    summary_section: str | None = None  # "summary.SECTION": (heading, [sentence templates])

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "default" not in cls.__dict__:
            cls.default = True

    @property
    def home_url(self) -> str:
        """Every area's home page is named `<label>:home`."""
        return f"{self.label}:home"

    @property
    def is_open(self) -> bool:
        return self.url_prefix is not None

    def member(self, dotted: str):
        """The module or object at `dotted`, relative to the app's package ("api", "dashboard.rights_panel")."""
        path = f"{self.name}.{dotted}"
        try:
            return import_module(path)
        except ModuleNotFoundError as exc:
            if exc.name != path:
                raise
        return import_string(path)


@functools.cache
def declared() -> tuple[AreaConfig, ...]:
    """The installed areas in menu order (kept per process: it is code, not data)."""
    found = [config for config in apps.get_app_configs() if isinstance(config, AreaConfig)]
    return tuple(sorted(found, key=lambda area: (area.menu_order, area.label)))


@receiver(setting_changed)
def _installed_apps_changed(*, setting, **kwargs):
    # A test that installs an area (override_settings(INSTALLED_APPS=...)) sees it declared at once.
    if setting == "INSTALLED_APPS":
        for cached in (declared, area_permissions, import_registries):
            cached.cache_clear()


def get(label: str) -> AreaConfig:
    config = apps.get_app_config(label)
    if not isinstance(config, AreaConfig):
        raise LookupError(f"{label} is not a work area")
    return config


def menu() -> list[AreaConfig]:
    """The areas that have a menu entry, open or not yet built."""
    return [area for area in declared() if area.menu_label]


def url_includes() -> list[tuple[str, str]]:
    """(prefix, urls module) of every open area, for the project's URL map."""
    return [(area.url_prefix, f"{area.name}.urls") for area in declared() if area.is_open]


def api_url_modules() -> list[str]:
    return [f"{area.name}.{area.api_urls}" for area in declared() if area.api_urls]


@functools.cache
def import_registries() -> dict:
    """Registry name -> registry object of every area, in area order."""
    registries = {}
    for area in declared():
        for dotted in area.import_registries:
            registry = area.member(dotted)
            if registry.name in registries:
                raise ImproperlyConfigured(f"import registry {registry.name!r} declared twice")
            registries[registry.name] = registry
    return registries


@functools.cache
def area_permissions() -> dict:
    """Permission name -> Chinese label for every permission an area defines."""
    defined = {}
    for area in declared():
        for name, label in area.permissions.items():
            if name in defined:
                raise ImproperlyConfigured(f"permission {name!r} is declared by two areas")
            defined[name] = label
    return defined


def dashboard_panels() -> list[Callable]:
    return [area.member(area.dashboard_panel) for area in declared() if area.dashboard_panel]


def todo_providers() -> list[Callable]:
    return [area.member(area.todo) for area in declared() if area.todo]


def audit_labels() -> dict:
    labels = {}
    for area in declared():
        labels.update(area.audit_labels)  # a kind declared twice is a check error (core/checks.py)
    return labels


def summary_sections() -> list[tuple[str, str, list[str]]]:
    """(area label, heading, sentence templates) in area order."""
    return [(area.label, *area.member(area.summary_section)) for area in declared() if area.summary_section]


def demo_order() -> list[AreaConfig]:
    """The areas that seed demo records, each after those it names in `demo_after`, otherwise in
    area order; "*" in `demo_after` means after every seeder that does not itself say "*" (the plan
    and the statistical forms are set around whatever the other areas recorded). A missing or
    circular dependency is a configuration error, not a silent reorder."""
    seeding = {area.label: area for area in declared() if area.demo_seeder}
    last = [label for label, area in seeding.items() if "*" in area.demo_after]
    ordered: list[AreaConfig] = []
    state: dict[str, str] = {}

    def visit(label: str, chain: tuple[str, ...]) -> None:
        if len(chain) > 1 and label in last and chain[-2] not in last:
            raise ImproperlyConfigured(f"demo seeder of {chain[-2]!r} needs {label!r}, which runs after every "
                                       "other seeder (demo_after \"*\"): say \"*\" too")
        if state.get(label) == "done":
            return
        if state.get(label) == "visiting":
            raise ImproperlyConfigured(f"demo seeders depend on each other in a circle: {' -> '.join(chain)}")
        if label not in seeding:
            raise ImproperlyConfigured(f"demo seeder of {chain[-2]!r} needs {label!r}, which seeds no demo records")
        state[label] = "visiting"
        after = seeding[label].demo_after
        if "*" in after:
            after = [other for other in seeding if other not in last] + [a for a in after if a != "*"]
        for before in after:
            visit(before, (*chain, before))
        state[label] = "done"
        ordered.append(seeding[label])

    for label in seeding:
        visit(label, (label,))
    return ordered
