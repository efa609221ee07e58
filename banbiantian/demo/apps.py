from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo county (`manage.py seed_demo`): the org tree, the accounts and the people, then each
    declared area's demo seeder in dependency order. It sits above every area, as the URL map does."""

    name = "banbiantian.demo"
    label = "demo"
    verbose_name = "演示数据"
