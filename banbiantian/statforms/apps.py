from django.apps import AppConfig


class StatformsConfig(AppConfig):
    name = "banbiantian.statforms"
    label = "statforms"
    verbose_name = "统计报表"
