from django.utils.translation import gettext_lazy as _

from banbiantian.core.areas import AreaConfig


class TransferConfig(AreaConfig):
    """Excel in and out for every area: the import pages, reached from each area's lists."""

    name = "banbiantian.transfer"
    label = "transfer"
    verbose_name = "数据导入导出"

    menu_order = 90
    url_prefix = "transfer/"
    entry_permissions = frozenset({"import_data"})
    permissions = {"import_data": _("从Excel导入数据")}
