"""The JSON API: core's routes, then those each area declares (AreaConfig.api_urls); this file only gathers them.

DRF marks its views `login_required = False`, so LoginRequiredMiddleware leaves them alone and an
anonymous client gets a JSON 403 from DRF's permission check instead of a redirect to the login page.
"""

from django.urls import include, path
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated

from banbiantian.core import areas

app_name = "api"

urlpatterns = [
    # drf-spectacular serves the schema to anyone by default; ours is for signed-in users only.
    # JSON by default like the rest of the API (refusals included); ?format=yaml for YAML.
    path("schema/", SpectacularAPIView.as_view(
        permission_classes=[IsAuthenticated], renderer_classes=[OpenApiJsonRenderer, OpenApiYamlRenderer],
    ), name="schema"),
    path("", include("banbiantian.core.api")),
    *(path("", include(module)) for module in areas.api_url_modules()),
]
