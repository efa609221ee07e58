from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "banbiantian.core"
    label = "core"
    verbose_name = "基础"
