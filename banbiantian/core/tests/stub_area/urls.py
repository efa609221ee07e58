from django.urls import path

from . import views

app_name = "stubarea"
urlpatterns = [
    path("", views.home, name="home"),
]
