from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "banbiantian.rights"
    label = "rights"
    verbose_name = "维权信访"
