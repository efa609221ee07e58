from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "banbiantian.people"
    label = "people"
    verbose_name = "人员"

    def ready(self):
        from banbiantian.core import dashboard

        from .dashboard import people_panel

        dashboard.register(people_panel)
