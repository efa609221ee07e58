from django.urls import path

from . import views

app_name = "transfer"
urlpatterns = [
    path("", views.job_list, name="home"),
    path("<slug:registry>/upload/", views.upload, name="upload"),
    path("<slug:registry>/template/", views.template_download, name="template"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/mapping/", views.job_mapping, name="mapping"),
    path("jobs/<int:pk>/run/", views.job_run, name="run"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="progress"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="cancel"),
    path("jobs/<int:pk>/errors/", views.job_errors, name="errors"),
]
