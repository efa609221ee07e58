"""The JSON API. Each app adds its routes in its own api.py; this file only gathers them."""

from django.urls import path

urlpatterns: list = [
]
app_name = "api"
_ = path
