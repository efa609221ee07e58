from django.apps import AppConfig


class StatformsConfig(AppConfig):
    name = "banbiantian.statforms"
    label = "statforms"
    verbose_name = "统计报表"

    def ready(self):
        from banbiantian.core import dashboard

        from .dashboard import statforms_panel

        dashboard.register(statforms_panel)
