from django.utils.translation import gettext_lazy as _

from banbiantian.core.areas import AreaConfig


class StubAreaConfig(AreaConfig):
    """The smallest working area (docs/adding-an-area.md), installed only by test_area_stub.py."""

    name = "banbiantian.core.tests.stub_area"
    label = "stubarea"
    verbose_name = "样例工作区"

    menu_label = _("样例工作区")
    menu_order = 75
    url_prefix = "stub/"
    entry_permissions = frozenset({"view_stub"})
    permissions = {"view_stub": _("查看样例工作区")}
    dashboard_panel = "dashboard.panel"
    audit_labels = {"stub": _("样例工作区")}
