from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "banbiantian.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from . import metrics, signals  # noqa: F401  (signals connects the login audit receivers)

        metrics.autodiscover()
