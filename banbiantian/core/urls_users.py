from django.urls import path

from . import views_users

app_name = "users"
urlpatterns = [
    path("", views_users.user_list_view, name="list"),
    path("new/", views_users.user_create, name="create"),
    path("me/password/", views_users.my_password, name="my_password"),
    path("export/", views_users.user_export, name="export"),
    path("<int:pk>/edit/", views_users.user_edit, name="edit"),
    path("<int:pk>/password/", views_users.user_password, name="password"),
    path("<int:pk>/active/", views_users.user_set_active, name="set_active"),
    path("<int:pk>/unlock/", views_users.user_unlock, name="unlock"),
]
