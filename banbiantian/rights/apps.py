from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "banbiantian.rights"
    label = "rights"
    verbose_name = "维权信访"

    def ready(self):
        from banbiantian.core import dashboard

        from .dashboard import rights_panel

        dashboard.register(rights_panel)
