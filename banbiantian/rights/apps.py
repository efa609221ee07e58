from django.utils.translation import gettext_lazy as _

from banbiantian.core.areas import AreaConfig


class RightsConfig(AreaConfig):
    name = "banbiantian.rights"
    label = "rights"
    verbose_name = "维权信访"

    menu_label = _("维权信访")
    menu_order = 30
    url_prefix = "rights/"
    # A village director registers cases without seeing the township's list (no view_rights_cases).
    entry_permissions = frozenset({"view_rights_cases", "register_rights_cases"})
    # The most sensitive records: see banbiantian/rights.
    permissions = {
        "register_rights_cases": _("登记维权信访案件"),
        "view_rights_cases": _("查看本辖区维权信访案件"),
        "edit_rights_cases": _("办理维权信访案件"),
        "approve_case_close": _("审批案件办结"),
        "refer_without_consent": _("未经本人同意转办案件"),
        "export_rights_cases": _("导出维权信访案件"),
        "view_minor_details": _("查看和导出未成年人身份信息"),
    }
    dashboard_panel = "dashboard.rights_panel"
    todo = "dashboard.todo"
    import_registries = ("transfer.REGISTRY",)
    demo_seeder = "demo.seed"
    summary_section = "summary.SECTION"
