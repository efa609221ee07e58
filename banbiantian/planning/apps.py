from django.utils.translation import gettext_lazy as _

from banbiantian.core.areas import AreaConfig


class PlanningConfig(AreaConfig):
    name = "banbiantian.planning"
    label = "planning"
    verbose_name = "计划目标"

    menu_label = _("计划统计")
    menu_order = 80
    url_prefix = "planning/"
    entry_permissions = frozenset({"view_plans"})
    permissions = {
        "view_plans": _("查看计划、目标和统计报表"),
        "edit_plans": _("制定年度计划和目标"),
    }
    dashboard_panel = "dashboard.targets_panel"
    # The plan's computed targets are set around what every other area has recorded.
    demo_seeder = "demo.seed"
    demo_after = ("*",)
