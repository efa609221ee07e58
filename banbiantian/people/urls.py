from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list_view, name="home"),
    path("new/", views.person_create, name="create"),
    path("export/", views.person_export, name="export"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/duplicates/", views.person_duplicates, name="duplicates"),
    path("<int:pk>/id-number/", views.person_reveal_id, name="reveal_id"),
    path("<int:pk>/groups/", views.membership_add, name="membership_add"),
    path("<int:pk>/household/", views.household_create, name="household_create"),
    path("<int:pk>/household/members/", views.household_add_member, name="household_add_member"),
    path("<int:pk>/guardian/", views.guardian_set, name="guardian_set"),
    path("<int:pk>/relatives/", views.relative_candidates, name="relative_candidates"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("memberships/<int:pk>/edit/", views.membership_edit, name="membership_edit"),
    path("<int:pk>/household/leave/", views.household_leave, name="household_leave"),
]
