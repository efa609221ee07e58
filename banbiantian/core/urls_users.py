from django.urls import path

from . import views_users

app_name = "users"
urlpatterns = [
    path("", views_users.user_list, name="list"),
]
