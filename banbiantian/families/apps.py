from django.utils.translation import gettext_lazy as _

from banbiantian.core.areas import AreaConfig


class FamiliesConfig(AreaConfig):
    """Declared, not built yet: the menu shows it as 尚未开放 until it has a url_prefix."""

    name = "banbiantian.families"
    label = "families"
    verbose_name = "家庭"

    menu_label = _("家庭")
    menu_order = 60
