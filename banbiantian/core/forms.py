import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _


class StyledFormMixin:
    """Bootstrap classes on every widget, and is-invalid on fields with errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self):
        super().full_clean()
        for name in self._errors or {}:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class LoginForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。连续输错5次，账号将被锁定15分钟。"),
        "inactive": _("该账号已停用，请联系上级妇联管理员。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")


class _OfferedUnits(ModelChoiceIterator):
    """The choices are the units offered (read when rendered), not every unit that validates."""

    @property
    def queryset(self):
        return self.field.offered

    @queryset.setter
    def queryset(self, value):
        pass


class UnitField(forms.ModelChoiceField):
    """The one unit picker: units of the user's scope (under `perm`), of the given levels.

    For a new record (`for_new=True`, the default) a closed unit — merged or dissolved, or not
    yet opened — is not offered, and refused with an error naming the field if posted anyway;
    the record's own unit (`keep`, when editing) stays allowed. A filter over old records
    (`for_new=False`) offers closed units too, so history can still be found.
    Set the user with `for_user(user, perm, keep=...)` in the form's __init__.
    """

    iterator = _OfferedUnits
    default_error_messages = {
        "closed": _("%(field)s：“%(unit)s”已于%(date)s撤销，不能再登记新的记录，请选择现有单位。"),
        "not_open": _("%(field)s：“%(unit)s”%(date)s才启用，现在还不能选择。"),
    }

    def __init__(self, *, levels=None, exclude_levels=None, for_new: bool = True, show_level: bool = True,
                 **kwargs):
        from .models import OrgUnit

        self.levels, self.exclude_levels = levels, exclude_levels
        self.for_new, self.show_level = for_new, show_level
        self.keep = None  # the pk of the unit an edited record is already in
        kwargs.setdefault("queryset", OrgUnit.objects.none())
        super().__init__(**kwargs)

    def for_user(self, user, perm: str, keep=None) -> "UnitField":
        from .access import scope
        from .models import OrgUnit

        units = OrgUnit.objects.all()
        if self.levels is not None:
            units = units.filter(level__in=self.levels)
        if self.exclude_levels is not None:
            units = units.exclude(level__in=self.exclude_levels)
        self.keep = getattr(keep, "pk", keep)
        self.queryset = scope(units, user, perm).order_by("path")
        return self

    @property
    def offered(self):
        from django.db.models import Q
        from django.utils import timezone

        from .models import active_during_q

        if not self.for_new:
            return self.queryset
        today = timezone.localdate()
        open_units = active_during_q(today, today)
        return self.queryset.filter(open_units | Q(pk=self.keep) if self.keep is not None else open_units)

    def validate(self, value):
        super().validate(value)
        if value is None or not self.for_new or value.pk == self.keep:
            return
        from django.utils import timezone

        today = timezone.localdate()
        if not value.is_active_during(today, today):
            # Still open after today: the trouble is that it opens later.
            code = "not_open" if value.is_active_during(today, datetime.date.max) else "closed"
            day = value.active_to if code == "closed" else value.active_from
            raise forms.ValidationError(self.error_messages[code], code=code, params={
                "field": self.label, "unit": value.name, "date": day.isoformat()})

    def label_from_instance(self, obj):
        if not self.show_level:
            return obj.name
        closed = _("，已撤销") if obj.active_to else ""
        return f"{obj.name}（{obj.get_level_display()}{closed}）"


def _grantable_roles(user):
    from .roles import Role, role_permissions

    return [(value, label) for value, label in Role.choices if role_permissions(value) <= user.permission_names]


class PasswordPairMixin:
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return cleaned


class UserCreateForm(PasswordPairMixin, StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150, help_text=_("登录用，建议用拼音或手机号。"))
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    unit = UnitField(label=_("所属单位"), empty_label=_("请选择"))
    role = forms.ChoiceField(label=_("角色"))
    password1 = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, strip=False,
                                help_text=_("至少8位，不能全是数字，不能太常见。"))
    password2 = forms.CharField(label=_("再次输入密码"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "manage_users")
        self.fields["role"].choices = _grantable_roles(user)


class UserEditForm(StyledFormMixin, forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    unit = UnitField(label=_("所属单位"), empty_label=_("请选择"))
    role = forms.ChoiceField(label=_("角色"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "manage_users", keep=self.initial.get("unit"))
        self.fields["role"].choices = _grantable_roles(user)


class SetPasswordForm(PasswordPairMixin, StyledFormMixin, forms.Form):
    password1 = forms.CharField(label=_("新密码"), widget=forms.PasswordInput, strip=False,
                                help_text=_("至少8位，不能全是数字，不能太常见。"))
    password2 = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput, strip=False)


class OwnPasswordForm(SetPasswordForm):
    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput, strip=False)
    field_order = ["old_password", "password1", "password2"]


class UserFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("用户名或姓名"), "type": "search"}))
    # A filter: accounts of a merged unit can still be found.
    unit = UnitField(label=_("单位"), required=False, empty_label=_("全部单位"), for_new=False)
    active = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部")), ("1", _("在用")), ("0", _("已停用"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "manage_users")


class OrgUnitCreateForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    code = forms.CharField(label=_("统计区划代码"), max_length=12, min_length=12,
                           help_text=_("12位国家统计用区划代码。"))
    level = forms.ChoiceField(label=_("层级"))
    active_from = forms.DateField(label=_("启用日期"), required=False, widget=DateInput())
    live_from = forms.DateField(label=_("上线日期"), required=False, widget=DateInput(),
                                help_text=_("开始使用本系统的日期，此前的报告期不计为欠报；不填为启用日期或今天。"))

    def __init__(self, *args, parent, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import LEVEL_RANK, Level

        self.fields["level"].choices = [(v, label) for v, label in Level.choices if LEVEL_RANK[v] > LEVEL_RANK[parent.level]]


class OrgUnitLiveFromForm(StyledFormMixin, forms.Form):
    live_from = forms.DateField(label=_("上线日期"), required=False, widget=DateInput(),
                                help_text=_("开始使用本系统的日期，此前的报告期不计为欠报。"))


class OrgUnitCloseForm(StyledFormMixin, forms.Form):
    active_to = forms.DateField(label=_("撤销日期"), widget=DateInput())
    note = forms.CharField(label=_("说明"), max_length=200, required=False,
                           help_text=_("如：并入某某村。历史记录保留。"))


class AuditFilterForm(StyledFormMixin, forms.Form):
    action = forms.ChoiceField(label=_("操作"), required=False)
    actor = forms.CharField(label=_("操作人用户名"), required=False)
    object_type = forms.ChoiceField(label=_("对象类型"), required=False)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.apps import apps

        from .models import AuditEntry, audit_object_labels

        self.fields["action"].choices = [("", _("全部"))] + AuditEntry.Action.choices
        # Our own apps' records by their Chinese names, then the entries not about one record.
        kinds = sorted(((m._meta.label_lower, str(m._meta.verbose_name)) for m in apps.get_models()
                        if m.__module__.startswith("banbiantian.")), key=lambda kind: kind[1])
        kinds += [(key, str(label)) for key, label in audit_object_labels().items()]
        self.fields["object_type"].choices = [("", _("全部对象类型")), *kinds]
