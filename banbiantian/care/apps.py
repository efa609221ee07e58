from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "banbiantian.care"
    label = "care"
    verbose_name = "关爱帮扶"
