from django.urls import path

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
    # Every metric-backed figure links here (statistical forms too): keep name and path.
    path("figures/<str:key>/", views.figure, name="figure"),
    path("summary/", views.summary, name="summary"),
]
