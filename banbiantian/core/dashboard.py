"""The dashboard: each area declares a panel (AreaConfig.dashboard_panel) and a 待办 list
(AreaConfig.todo); the dashboard shows the user's 待办 first, then the panels in area order.

A panel takes the user and returns a dict
{"title", "cards": [{"label", "value", "url"?}], "table"?: {"headers", "rows"}} or None.
A 待办 provider takes the user and returns a list of TodoItem: what she herself owes or must decide,
within her scope (never another unit's work), each linking to the page where she does it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from . import areas


@dataclass(frozen=True)
class TodoItem:
    text: str                          # what to do, in her words: "待您审批办结的案件"
    url: str                           # the page where she does it
    count: int = 1                     # how many records the line stands for
    due: datetime.date | None = None   # the earliest deadline among them
    area: str = ""                     # the area's label (filled in by todo())


def panels(user) -> list[dict]:
    return [panel for provider in areas.dashboard_panels() if (panel := provider(user))]


def todo(user) -> list[TodoItem]:
    """Every declared area's 待办 for the user, earliest deadline first (undated ones after, in area order)."""
    items = []
    for area in areas.declared():
        if not area.todo:
            continue
        for item in area.member(area.todo)(user):
            if item.count:
                items.append(TodoItem(item.text, item.url, item.count, item.due, area.label))
    order = {area.label: i for i, area in enumerate(areas.declared())}
    return sorted(items, key=lambda i: (i.due is None, i.due or datetime.date.min, order[i.area]))
