from django.urls import path

from . import views

app_name = "statforms"
urlpatterns = [
    path("", views.home, name="home"),
    path("status/", views.status, name="status"),
    path("summary/", views.summary, name="summary"),
    path("summary/xlsx/", views.summary_xlsx, name="summary_xlsx"),
    path("chart/", views.chart, name="chart"),
    path("definitions/new/", views.form_create, name="form_create"),
    path("definitions/<int:pk>/", views.form_detail, name="form"),
    path("definitions/<int:pk>/edit/", views.form_edit, name="form_edit"),
    path("definitions/<int:pk>/cells/", views.cell_add, name="cell_add"),
    path("definitions/<int:pk>/rules/", views.rule_add, name="rule_add"),
    path("definitions/<int:pk>/open/", views.report_open, name="report_open"),
    path("cells/<int:pk>/delete/", views.cell_delete, name="cell_delete"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/approve/", views.batch_approve, name="batch_approve"),
    path("reports/remind/", views.remind, name="remind"),
    path("reports/absent/", views.mark_absent, name="mark_absent"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/unlock/", views.report_unlock, name="report_unlock"),
]
