"""The JSON API's building blocks, and the endpoints for tokens and org units.

Every app's api.py builds on `ScopedViewSet` so an endpoint answers exactly as its page does:

- 403 unless the user's role grants the permission the view names for the action in `perms`
  (a missing entry is refused, so a new action cannot be left open by mistake);
- objects come from the app's `get_<thing>_for_user`, so missing and not-yours are both 404;
- writes call the app's services; their Django ValidationError becomes 400 {field: [message]};
- ids of units in request data go through `ScopedUnitField`: a unit outside the user's
  subtree is refused with the same message as a unit that does not exist.
"""

from django.contrib.auth import authenticate, user_logged_in
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, mixins, parsers, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from .access import get_for_user, scope
from .models import Level, OrgUnit

# ---------------------------------------------------------------------------------------------
# Building blocks


def _answers(view, request) -> bool:
    """Whether the view has a handler for this method (if not, DRF answers 405)."""
    method = request.method.lower()
    return method in view.http_method_names and callable(getattr(view, method, None))


class RolePermission(BasePermission):
    """The role must grant `view.perms[action]` (a permission name, or None for any signed-in user)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not _answers(view, request):
            return True  # let the view answer 405 rather than 403 for a method it does not have
        method = request.method.lower()
        key = getattr(view, "action", None) or ("get" if method == "head" else method)
        if key not in view.perms:
            return False
        perm = view.perms[key]
        return perm is None or user.has_perm_name(perm)


def validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ValidationError as DRF's 400 body: {field: [message]}, unnamed ones under non_field_errors."""
    if hasattr(exc, "error_dict"):
        detail = {(api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
                  for field, messages in exc.message_dict.items()}
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return exceptions.ValidationError(detail)


class JSONParser(parsers.JSONParser):
    """DRF's parser, with a Chinese message instead of Python's English one for malformed JSON."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except exceptions.ParseError as exc:
            cause = exc.__context__
            where = {"line": getattr(cause, "lineno", 0), "col": getattr(cause, "colno", 0)}
            if where["line"]:
                raise exceptions.ParseError(_("请求内容不是有效的JSON（第%(line)d行第%(col)d列）。") % where) from None
            raise exceptions.ParseError(_("请求内容不是有效的JSON。")) from None


PARSERS = [JSONParser, parsers.FormParser, parsers.MultiPartParser]


class ScopedAPIMixin:
    permission_classes = [IsAuthenticated, RolePermission]
    parser_classes = PARSERS
    # action (viewsets) or method (plain views) -> permission name; None = any signed-in user.
    perms: dict[str, str | None] = {}
    # No OPTIONS (DRF's field metadata) or TRACE: nothing needs them, so they answer 405.
    http_method_names = ["get", "post", "put", "patch", "delete", "head"]

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = validation_error(exc)
        return super().handle_exception(exc)


class ScopedViewSet(ScopedAPIMixin, viewsets.GenericViewSet):
    """Base for every app's API viewset. Subclasses set `perms`, `get_queryset` and `get_object`."""


class ScopedAPIView(ScopedAPIMixin, APIView):
    """Base for an API endpoint that is not a viewset; `perms` is keyed by method ("get", "post")."""


class ScopedUnitField(serializers.PrimaryKeyRelatedField):
    """A unit id the requesting user may use with `perm`; others read as "does not exist".
    For a new record (`for_new`) a closed unit is refused, as the forms' core.forms.UnitField
    does; the record's own unit stays allowed when the view names it (context "unit_kept")."""

    default_error_messages = {
        "does_not_exist": gettext_lazy("单位“{pk_value}”不存在或不在您的管辖范围内。"),
        "incorrect_type": gettext_lazy("单位应填写单位编号（整数）。"),
        "closed": gettext_lazy("单位“{name}”已撤销或尚未启用，不能再登记新的记录，请选择现有单位。"),
    }

    def __init__(self, *, perm: str = "view_people", for_new: bool = False, **kwargs):
        self.perm, self.for_new = perm, for_new
        kwargs.setdefault("queryset", OrgUnit.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        return scope(super().get_queryset(), self.context["request"].user, self.perm)

    def to_internal_value(self, data):
        unit = super().to_internal_value(data)
        if self.for_new and not unit.is_active and unit.pk != self.context.get("unit_kept"):
            self.fail("closed", name=unit.name)
        return unit


# ---------------------------------------------------------------------------------------------
# Tokens


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=gettext_lazy("用户名"))
    password = serializers.CharField(label=gettext_lazy("密码"), trim_whitespace=False,
                                     style={"input_type": "password"})


class TokenView(APIView):
    """Trade a user name and password for the user's API token.

    The request handed to `authenticate` is the one django-axes watches: five wrong passwords
    for a user name from one address lock it here and on the login page alike.
    """

    authentication_classes = []
    permission_classes = []
    parser_classes = PARSERS

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiResponse(description=gettext_lazy("用户名或密码错误")),
            429: OpenApiResponse(description=gettext_lazy("登录失败次数过多，账号已暂时锁定")),
        },
        auth=[],
    )
    def post(self, request):
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = authenticate(request=request, **form.validated_data)
        if getattr(request, "axes_locked_out", False):
            # The DRF request carries axes' flag, so AxesMiddleware (which sees the plain Django
            # request) leaves this JSON answer alone instead of rendering its HTML page.
            return Response({"detail": _("登录失败次数过多，该账号已被暂时锁定。请稍后再试，或联系上级妇联管理员重置密码。")},
                            status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None:
            raise exceptions.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [_("用户名或密码错误。连续输错5次，账号将被锁定15分钟。")]})
        # A token is a login: the audit trail records it and axes clears the failure count.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


# ---------------------------------------------------------------------------------------------
# Org units


class UnitSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "level", "level_label", "parent", "active_from", "active_to",
                  "is_active", "note"]
        read_only_fields = fields


class UnitFilterSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices, required=False, help_text=gettext_lazy("层级"))
    parent = ScopedUnitField(required=False, help_text=gettext_lazy("只列出该单位的直属下级"))


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("组织机构列表（本单位及下级）"), parameters=[UnitFilterSerializer]),
    retrieve=extend_schema(summary=gettext_lazy("组织机构详情")),
)
class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = UnitSerializer
    queryset = OrgUnit.objects.none()  # for the schema only; get_queryset scopes
    perms = {"list": "view_people", "retrieve": "view_people"}

    def get_queryset(self):
        return scope(OrgUnit.objects.all(), self.request.user, "view_people").order_by("path")

    def filter_queryset(self, queryset):
        filters = UnitFilterSerializer(data=self.request.query_params, context=self.get_serializer_context())
        filters.is_valid(raise_exception=True)
        if "level" in filters.validated_data:
            queryset = queryset.filter(level=filters.validated_data["level"])
        if "parent" in filters.validated_data:
            queryset = queryset.filter(parent=filters.validated_data["parent"])
        return queryset

    def get_object(self):
        return get_for_user(OrgUnit.objects.all(), self.request.user, self.kwargs["pk"], "view_people")


router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")

urlpatterns = [
    path("token/", TokenView.as_view(), name="token"),
    *router.urls,
]
