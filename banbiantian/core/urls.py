from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.org_tree, name="tree"),
    path("<int:pk>/", views.org_unit_detail, name="unit"),
    path("<int:pk>/new/", views.org_unit_create, name="create"),
    path("<int:pk>/close/", views.org_unit_close, name="close"),
    path("<int:pk>/live-from/", views.org_unit_live_from, name="live_from"),
]
