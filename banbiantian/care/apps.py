from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "banbiantian.care"
    label = "care"
    verbose_name = "关爱帮扶"

    def ready(self):
        from banbiantian.core import dashboard

        from .dashboard import care_panel

        dashboard.register(care_panel)
