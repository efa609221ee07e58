from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.org_tree, name="tree"),
    path("<int:pk>/", views.org_unit_detail, name="unit"),
]
