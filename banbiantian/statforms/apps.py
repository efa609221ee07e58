from django.utils.translation import gettext_lazy as _

from banbiantian.core.areas import AreaConfig


class StatformsConfig(AreaConfig):
    name = "banbiantian.statforms"
    label = "statforms"
    verbose_name = "统计报表"

    # Reached from 计划统计's home page; no menu entry of its own.
    menu_order = 85
    url_prefix = "forms/"
    entry_permissions = frozenset({"view_plans"})
    permissions = {
        "fill_forms": _("填报统计报表"),
        "approve_forms": _("审核下级统计报表"),
        "unlock_forms": _("解锁已审核的统计报表"),
        "manage_forms": _("设计统计报表"),
    }
    dashboard_panel = "dashboard.statforms_panel"
    todo = "dashboard.todo"
    # Its reports are pre-filled from every area's metrics, the plan's included.
    demo_seeder = "demo.seed"
    demo_after = ("*", "planning")
