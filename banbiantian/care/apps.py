from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "banbiantian.care"
    label = "care"
    verbose_name = "关爱帮扶"

    def ready(self):
        from banbiantian.core import dashboard

        from .dashboard import care_panel

        dashboard.register(care_panel)

        from django.db.models.signals import post_delete, post_save

        post_save.connect(_bump, dispatch_uid="care-stats-version-save")
        post_delete.connect(_bump, dispatch_uid="care-stats-version-delete")


def _bump(sender, **kwargs):
    """Any write to a care record moves the statistics version (bulk writes call bump themselves)."""
    if sender._meta.app_label == "care" and sender._meta.model_name != "statsversion":
        from .stats import bump_stats_version

        bump_stats_version()
