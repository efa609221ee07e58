from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "banbiantian.planning"
    label = "planning"
    verbose_name = "计划目标"

    def ready(self):
        from banbiantian.core import dashboard

        from .dashboard import targets_panel

        dashboard.register(targets_panel)
