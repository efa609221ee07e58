from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "banbiantian.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from django.db.models import fields
        from django.utils.translation import gettext_lazy as _

        from . import metrics, signals  # noqa: F401  (signals connects the login audit receivers)

        # Django 6.1's empty choice of every select ("- Select an option -") has no Chinese
        # translation yet; Django asks projects to set their own label here.
        fields.BLANK_CHOICE_LABEL = _("（请选择）")

        metrics.autodiscover()
