from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "banbiantian.planning"
    label = "planning"
    verbose_name = "计划目标"
