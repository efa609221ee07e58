from django.urls import path

from . import views

app_name = "rights"
urlpatterns = [
    path("", views.case_list_view, name="home"),
    path("cases.xlsx", views.case_list_xlsx, name="home_xlsx"),
    path("due.xlsx", views.due_xlsx, name="due_xlsx"),
    path("repeats.xlsx", views.repeats_xlsx, name="repeats_xlsx"),
    path("screening.xlsx", views.screening_xlsx, name="screening_xlsx"),
    path("new/", views.case_register, name="register"),
    path("new/people/", views.person_search, name="person_search"),
    path("new/person/", views.person_add, name="person_add"),
    path("due/", views.due_list, name="due"),
    path("repeats/", views.repeats, name="repeats"),
    path("stats/", views.stats_view, name="stats"),
    path("stats.xlsx", views.stats_xlsx, name="stats_xlsx"),
    path("register-book/", views.register_book, name="register_book"),
    path("register-book.xlsx", views.register_book_xlsx, name="register_book_xlsx"),
    path("screening/", views.screening, name="screening"),
    path("settings/", views.settings_view, name="settings"),
    path("holidays/", views.holidays, name="holidays"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/<slug:action>/", views.case_action, name="action"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("referrals/<int:pk>/", views.referral_sheet, name="referral_sheet"),
    path("referrals/<int:pk>/reply/", views.referral_reply, name="referral_reply"),
    path("visits/<int:pk>/", views.visit_done, name="visit_done"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("mediations/<int:pk>/edit/", views.mediation_edit, name="mediation_edit"),
    path("screening/<int:pk>/edit/", views.screening_edit, name="screening_edit"),
]
