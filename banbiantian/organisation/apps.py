from django.utils.translation import gettext_lazy as _

from banbiantian.core.areas import AreaConfig


class OrganisationConfig(AreaConfig):
    """Declared, not built yet: the menu shows it as 尚未开放 until it has a url_prefix."""

    name = "banbiantian.organisation"
    label = "organisation"
    verbose_name = "组织建设"

    menu_label = _("组织建设")
    menu_order = 20
