"""The URL map: core's own pages, then every open area's pages under its declared prefix
(banbiantian.core.areas), then the JSON API."""

from django.urls import include, path

from banbiantian.core import areas
from banbiantian.core import views as core_views

urlpatterns = [
    path("", core_views.dashboard_view, name="dashboard"),
    path("login/", core_views.LoginView.as_view(), name="login"),
    path("logout/", core_views.auth_views.LogoutView.as_view(), name="logout"),
    path("org/", include("banbiantian.core.urls")),
    path("users/", include("banbiantian.core.urls_users")),
    path("audit/", include("banbiantian.core.urls_audit")),
    path("exports/", include("banbiantian.core.urls_exports")),
    path("api/", include("banbiantian.api_urls")),
    *(path(prefix, include(module)) for prefix, module in areas.url_includes()),
]
