"""Dashboard panels. Each area app registers one provider in its AppConfig.ready(); the
dashboard shows them in registration order. A provider takes the user and returns a dict
{"title", "cards": [{"label", "value", "url"?}], "table"?: {"headers", "rows"}} or None.
"""

from collections.abc import Callable

_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels(user) -> list[dict]:
    return [panel for provider in _providers if (panel := provider(user))]
