from django.urls import path

from banbiantian.core.views_figures import figure

from . import views

app_name = "planning"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/xlsx/", views.plan_xlsx, name="plan_xlsx"),
    path("plans/<int:pk>/townships/", views.plan_townships, name="townships"),
    path("plans/<int:pk>/targets/new/", views.target_create, name="target_create"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target_delete"),
    path("targets/<int:pk>/split/", views.target_split, name="target_split"),
    path("targets/<int:pk>/actual/", views.target_actual, name="target_actual"),
    # The metrics registry's page of a figure and its records (core.views_figures): every
    # metric-backed figure links here (core.metrics.figure_url), so name and path stay.
    path("figures/<str:key>/", figure, {"nav": "planning/_nav.html"}, name="figure"),
    path("summary/", views.summary, name="summary"),
]
