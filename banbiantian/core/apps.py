from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "banbiantian.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from . import signals  # noqa: F401  (connects the login audit receivers)
