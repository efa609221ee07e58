from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "banbiantian.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from django.core import checks
        from django.core.exceptions import ImproperlyConfigured
        from django.db.models import fields
        from django.utils.module_loading import autodiscover_modules
        from django.utils.translation import gettext_lazy as _

        from . import signals  # noqa: F401  (connects the login audit receivers)
        from .checks import check_areas
        from .roles import policy_errors

        # Django 6.1's empty choice of every select ("- Select an option -") has no Chinese
        # translation yet; Django asks projects to set their own label here.
        fields.BLANK_CHOICE_LABEL = _("（请选择）")

        # Each area's metrics.py registers its metrics with core.metrics, as admin.py does with the admin site.
        autodiscover_modules("metrics")
        checks.register(check_areas)
        # A wrong policy table stops every process at start (servers run no system checks).
        errors = policy_errors()
        if errors:
            raise ImproperlyConfigured("; ".join(errors))
