from django.utils.translation import gettext_lazy as _

from banbiantian.core.areas import AreaConfig


class StubAreaConfig(AreaConfig):
    """The smallest working area (docs/adding-an-area.md), installed only by test_area_stub.py."""

    name = "banbiantian.core.tests.stub_area"
    label = "stubarea"
    verbose_name = "试点工作"

    menu_label = _("试点工作")
    menu_order = 75
    url_prefix = "stub/"
    entry_permissions = frozenset({"view_stub"})
    permissions = {"view_stub": _("查看试点工作")}
    dashboard_panel = "dashboard.panel"
    audit_labels = {"stub": _("试点工作")}
