from django.urls import include, path

from banbiantian.core import views as core_views

urlpatterns = [
    path("", core_views.dashboard_view, name="dashboard"),
    path("login/", core_views.LoginView.as_view(), name="login"),
    path("logout/", core_views.auth_views.LogoutView.as_view(), name="logout"),
    path("org/", include("banbiantian.core.urls")),
    path("users/", include("banbiantian.core.urls_users")),
    path("audit/", include("banbiantian.core.urls_audit")),
    path("people/", include("banbiantian.people.urls")),
    path("api/", include("banbiantian.api_urls")),
    path("transfer/", include("banbiantian.transfer.urls")),
    path("rights/", include("banbiantian.rights.urls")),
    path("care/", include("banbiantian.care.urls")),
    path("planning/", include("banbiantian.planning.urls")),
    path("forms/", include("banbiantian.statforms.urls")),
]
