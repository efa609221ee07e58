from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "banbiantian.transfer"
    label = "transfer"
    verbose_name = "数据导入导出"
