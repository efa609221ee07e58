"""Dashboard panels: each area declares one (AreaConfig.dashboard_panel); the dashboard shows them
in area order. A panel takes the user and returns a dict
{"title", "cards": [{"label", "value", "url"?}], "table"?: {"headers", "rows"}} or None.
"""

from . import areas


def panels(user) -> list[dict]:
    return [panel for provider in areas.dashboard_panels() if (panel := provider(user))]
