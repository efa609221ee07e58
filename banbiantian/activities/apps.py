from django.utils.translation import gettext_lazy as _

from banbiantian.core.areas import AreaConfig


class ActivitiesConfig(AreaConfig):
    """Declared, not built yet: the menu shows it as 尚未开放 until it has a url_prefix."""

    name = "banbiantian.activities"
    label = "activities"
    verbose_name = "活动"

    menu_label = _("活动")
    menu_order = 70
