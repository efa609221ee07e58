from django.utils.translation import gettext_lazy as _

from banbiantian.core.areas import AreaConfig


class PeopleConfig(AreaConfig):
    name = "banbiantian.people"
    label = "people"
    verbose_name = "人员"

    menu_label = _("人员信息")
    menu_order = 10
    url_prefix = "people/"
    entry_permissions = frozenset({"view_people"})
    permissions = {
        "view_people": _("查看人员信息"),
        "edit_people": _("登记和修改人员信息"),
        "view_id_number": _("查看完整身份证号"),
        "export_personal_data": _("导出个人信息"),
        # Children's records (a minor's page, the left-behind census, Spring Bud girls) are sensitive
        # like health data: a named permission, and every view is logged.
        "view_children": _("查看未成年人档案（未成年人个人页、留守儿童普查、春蕾女童）"),
    }
    dashboard_panel = "dashboard.people_panel"
    import_registries = ("transfer.REGISTRY",)
    api_urls = "api"
    summary_section = "summary.SECTION"
