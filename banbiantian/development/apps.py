from django.utils.translation import gettext_lazy as _

from banbiantian.core.areas import AreaConfig


class DevelopmentConfig(AreaConfig):
    """Declared, not built yet: the menu shows it as 尚未开放 until it has a url_prefix."""

    name = "banbiantian.development"
    label = "development"
    verbose_name = "发展"

    menu_label = _("发展")
    menu_order = 50
