"""People in the JSON API: the registry's list, detail, create, edit and the logged ID-number reveal.

ID numbers are masked in every answer, for every role; only POST …/reveal-id-number/ returns
the full number, and the service logs each call, as the detail page's button does.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from banbiantian.core.api import ScopedUnitField, ScopedViewSet
from banbiantian.core.views_util import client_ip

from . import services
from .choices import AgeBand, Education, MaritalStatus, PoliticalStatus, Relation, Sex
from .models import GroupMembership, Person, SpecialGroup
from .selectors import get_person_for_user, person_list


class PersonSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    id_number_masked = serializers.CharField(read_only=True)
    age = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = ["id", "name", "sex", "birth_date", "age", "id_number_masked", "phone", "ethnicity", "education",
                  "political_status", "marital_status", "address", "unit", "unit_name", "household",
                  "relation_to_head", "guardian", "note", "possible_duplicate", "created_at", "updated_at"]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer):
    group_name = serializers.CharField(source="group.name", read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = GroupMembership
        fields = ["id", "group", "group_name", "start_date", "end_date", "is_current", "note"]
        read_only_fields = fields


class PersonDetailSerializer(PersonSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "memberships"]
        read_only_fields = fields


def _optional_choice(choices):
    return serializers.ChoiceField(choices=choices, required=False, allow_blank=True)


class PersonWriteSerializer(serializers.Serializer):
    """The shape of a create or edit; the service checks the meaning (ID number, phone, scope) again."""

    name = serializers.CharField(max_length=50)
    unit = ScopedUnitField(perm="edit_people", for_new=True, help_text=_("所属村(社区)的单位编号（不能是已撤销的单位）"))
    id_number = serializers.CharField(
        max_length=30, required=False, allow_blank=True, allow_null=True, write_only=True,
        help_text=_("身份证号。修改时不传或传 null 表示不修改，传空字符串表示清除。"))
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    ethnicity = serializers.CharField(max_length=10, required=False, help_text=_("56个民族之一，如“汉族”"))
    education = _optional_choice(Education.choices)
    political_status = _optional_choice(PoliticalStatus.choices)
    marital_status = _optional_choice(MaritalStatus.choices)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    relation_to_head = _optional_choice(Relation.choices)
    note = serializers.CharField(required=False, allow_blank=True)


class PersonFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, help_text=_("姓名、拼音首字母、身份证号或电话"))
    unit = ScopedUnitField(required=False, help_text=_("只列出该单位及其下级的人员"))
    group = serializers.PrimaryKeyRelatedField(queryset=SpecialGroup.objects.all(), required=False,
                                               help_text=_("特殊群体编号"))
    age_band = serializers.ChoiceField(choices=AgeBand.choices, required=False, allow_blank=True)
    duplicates = serializers.BooleanField(required=False, default=False, help_text=_("只看疑似重复"))


_REVEALED = inline_serializer("RevealedIdNumber", {"id": serializers.IntegerField(),
                                                   "id_number": serializers.CharField()})


@extend_schema_view(
    list=extend_schema(summary=_("人员列表"), parameters=[PersonFilterSerializer]),
    retrieve=extend_schema(summary=_("人员详情")),
    create=extend_schema(summary=_("登记人员"), request=PersonWriteSerializer,
                         responses={201: PersonDetailSerializer, 400: OpenApiResponse(description=_("校验错误"))}),
    partial_update=extend_schema(summary=_("修改人员信息"), request=PersonWriteSerializer,
                                 responses={200: PersonDetailSerializer,
                                            400: OpenApiResponse(description=_("校验错误"))}),
    reveal_id_number=extend_schema(summary=_("查看完整身份证号（记入审计日志）"), request=None,
                                   responses={200: _REVEALED}),
)
class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Person.objects.none()  # for the schema only; get_queryset scopes
    perms = {
        "list": "view_people",
        "retrieve": "view_people",
        "create": "edit_people",
        "partial_update": "edit_people",
        "reveal_id_number": "view_id_number",
    }

    def get_serializer_class(self):
        if self.action == "list":
            return PersonSerializer
        if self.action in ("create", "partial_update"):
            return PersonWriteSerializer
        return PersonDetailSerializer

    def get_queryset(self):
        filters = PersonFilterSerializer(data=self.request.query_params, context=self.get_serializer_context())
        filters.is_valid(raise_exception=True)
        return person_list(user=self.request.user, **filters.validated_data)

    def get_object(self):
        perm = "edit_people" if self.action == "partial_update" else "view_people"
        return get_person_for_user(self.request.user, self.kwargs["pk"], perm)

    def retrieve(self, request, pk=None):
        person = self.get_object()
        if person.is_minor:  # as the page: view_children (403 without), and the view is logged
            services.children_viewed(by=request.user, children=[person], what=str(_("未成年人个人页")),
                                     ip_address=client_ip(request))
        return Response(PersonDetailSerializer(person, context=self.get_serializer_context()).data)

    def _detail(self, person, status_code=status.HTTP_200_OK):
        # Fetched again so the answer has the same shape (and memberships) as GET.
        fresh = get_person_for_user(self.request.user, person.pk)
        return Response(PersonDetailSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    def create(self, request):
        form = PersonWriteSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        person = services.person_create(by=request.user, **form.validated_data)
        return self._detail(person, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        person = self.get_object()
        form = PersonWriteSerializer(data=request.data, partial=True,
                                     context={**self.get_serializer_context(), "unit_kept": person.unit_id})
        form.is_valid(raise_exception=True)
        services.person_update(by=request.user, person=person, **form.validated_data)
        return self._detail(person)

    @action(detail=True, methods=["post"], url_path="reveal-id-number")
    def reveal_id_number(self, request, pk=None):
        person = get_person_for_user(request.user, pk)
        number = services.person_reveal_id_number(by=request.user, person=person, ip_address=client_ip(request))
        response = Response({"id": person.pk, "id_number": number})
        response["Cache-Control"] = "no-store"
        return response


router = SimpleRouter()
router.register("people", PersonViewSet, basename="person")

urlpatterns = router.urls
