from django.utils.translation import gettext_lazy as _

from banbiantian.core.areas import AreaConfig


class CareConfig(AreaConfig):
    name = "banbiantian.care"
    label = "care"
    verbose_name = "关爱帮扶"

    menu_label = _("关爱帮扶")
    menu_order = 40
    url_prefix = "care/"
    entry_permissions = frozenset({"view_care"})
    permissions = {
        "view_care": _("查看关爱帮扶记录"),
        "edit_care": _("登记关爱帮扶记录"),
        "approve_care": _("审核帮扶申请和救助"),
        "view_health_data": _("查看健康筛查结果"),
    }
    dashboard_panel = "dashboard.care_panel"
    todo = "dashboard.todo"
    import_registries = ("transfer.REGISTRY",)
    audit_labels = {"care": _("关爱帮扶")}
    demo_seeder = "demo.seed"
    summary_section = "summary.SECTION"
