from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import areas
from .roles import Role, role_permissions


class Level(models.TextChoices):
    # Ordered from the top; room for a city or province running one installation.
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县(区)")
    TOWNSHIP = "township", _("乡镇(街道)")
    VILLAGE = "village", _("村(社区)")
    COMMITTEE = "committee", _("单位妇委会")


LEVEL_RANK = {level: rank for rank, level in enumerate(Level.values)}


def active_during_q(start, end, *, prefix: str = "") -> Q:
    """The SQL side of OrgUnit.is_active_during: units that exist on some day of [start, end]
    (opened by its end, not closed before its start). `prefix` reaches a unit through a relation
    ("unit__")."""
    return (Q(**{f"{prefix}active_from__isnull": True}) | Q(**{f"{prefix}active_from__lte": end})) & (
        Q(**{f"{prefix}active_to__isnull": True}) | Q(**{f"{prefix}active_to__gte": start}))


class OrgUnitQuerySet(models.QuerySet):
    def active_during(self, start, end):
        return self.filter(active_during_q(start, end))

    def open_on(self, day):
        """Units a new record may be filed under on `day`: not closed (merged) and already opened."""
        return self.active_during(day, day)


class OrgUnit(models.Model):
    """A federation in the tree: province → city → county → township → village, plus unit committees.

    `path` is the chain of area codes from the root ("330100000000/330183000000/…/"), so
    "this unit and everything below" is `path LIKE 'mine%'` on one index. Codes never change
    (a merged village is closed with active_to and keeps its history), so paths never move.
    """

    code = models.CharField(_("统计区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    active_from = models.DateField(_("启用日期"), null=True, blank=True)
    active_to = models.DateField(_("撤销日期"), null=True, blank=True)
    # When the unit started keeping its work in the product: nothing before it is owed (a report of
    # an earlier period is not overdue). Blank: since it existed (active_from), or always.
    live_from = models.DateField(_("上线日期"), null=True, blank=True,
                                 help_text=_("本单位开始使用本系统的日期；此前的报告期不计为欠报。"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")
        ordering = ["path"]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%' whatever the collation.
            models.Index(fields=["path"], name="orgunit_path_like", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{12}$"), name="orgunit_code_12_digits"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.code and (len(self.code) != 12 or not self.code.isdigit()):
            raise ValidationError({"code": _("统计区划代码必须是12位数字。")})
        if self.parent and LEVEL_RANK[self.level] <= LEVEL_RANK[self.parent.level]:
            raise ValidationError({"level": _("层级必须低于上级单位的层级。")})
        if self.active_from and self.active_to and self.active_to < self.active_from:
            raise ValidationError({"active_to": _("撤销日期不能早于启用日期。")})

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent else "") + self.code + "/"
        super().save(*args, **kwargs)

    def is_active_during(self, start, end) -> bool:
        """True when the unit exists on some day of [start, end]: a village merged away during a
        period still counts (and reports) for it. The SQL side is active_during_q."""
        return (self.active_from is None or self.active_from <= end) and (
            self.active_to is None or self.active_to >= start)

    @property
    def owes_from(self):
        """The first day the unit owes its reports for: its go-live date, else the day it was opened."""
        return self.live_from or self.active_from

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.is_active_during(today, today)

    def is_within(self, other: "OrgUnit") -> bool:
        """True when self is `other` or below it."""
        return self.path.startswith(other.path)

    def subtree(self):
        return OrgUnit.objects.filter(path__startswith=self.path)

    def ancestors(self):
        codes = self.path.rstrip("/").split("/")[:-1]
        return sorted(OrgUnit.objects.filter(code__in=codes), key=lambda u: len(u.path))


class User(AbstractUser):
    scope_field = "unit"

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("所属单位"), null=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    @property
    def permission_names(self) -> frozenset[str]:
        if not self.is_active or self.unit_id is None:
            return frozenset()
        return role_permissions(self.role)

    def has_perm_name(self, name: str) -> bool:
        return name in self.permission_names


# Labels for audit entries that are not about one model row (core's; each area declares its own,
# AreaConfig.audit_labels), and for change keys that are not model fields (what a view, an export
# or the demo build wrote down).
AUDIT_OBJECT_LABELS = {
    "demo": _("演示数据"),
    "metric": _("统计指标明细"),
}


def audit_object_labels() -> dict:
    return {**AUDIT_OBJECT_LABELS, **areas.audit_labels()}


AUDIT_CHANGE_LABELS = {
    "records": _("查看的记录"),
    "opened": _("打开"),
    "rows": _("行数"),
    "filters": _("筛选条件"),
    "count": _("条数"),
    "period": _("期间"),
    "unit": _("单位"),
    "password": _("密码"),
    "seed": _("随机种子"),
    "townships": _("乡镇数"),
    "villages_per_township": _("每个乡镇的村数"),
    "people": _("人数"),
}


class AuditEntry(models.Model):
    """One row per write through a service and per view of a sensitive field. Never updated or deleted."""

    scope_field = "unit"

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        VIEW = "view", _("查看敏感信息")
        EXPORT = "export", _("导出")
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("数据所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"

    def _model(self):
        from django.apps import apps

        try:
            return apps.get_model(self.object_type) if self.object_type.count(".") == 1 else None
        except (LookupError, ValueError):
            return None

    @property
    def object_label(self) -> str:
        """The kind of record in Chinese: the model's name, or what a non-model entry is about."""
        model = self._model()
        if model is not None:
            return str(model._meta.verbose_name)
        kind = self.object_type.partition(":")[0]
        return str(audit_object_labels().get(kind, self.object_type))

    def change_lines(self) -> list[tuple[str, object, object]]:
        """(Chinese field label, before, after) for display."""
        model = self._model()
        lines = []
        for name, value in (self.changes or {}).items():
            label = AUDIT_CHANGE_LABELS.get(name, name)
            choices = {}
            if model is not None:
                try:
                    field = model._meta.get_field(name)
                except Exception:
                    pass
                else:
                    label = str(field.verbose_name)
                    choices = {str(k): str(v) for k, v in (getattr(field, "flatchoices", None) or [])}
            before, after = value if isinstance(value, list) and len(value) == 2 else (None, value)
            # Codes are stored; their Chinese labels are shown.
            before, after = (choices.get(v, v) if isinstance(v, str) else v for v in (before, after))
            lines.append((label, before, after))
        return lines

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("审计记录不可修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("审计记录不可删除。"))
