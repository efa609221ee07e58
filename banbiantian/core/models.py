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
    path = models.CharField(max_length=255, unique=True, editable=False, verbose_name=_("层级路径"))
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


# Stored codes of keys that are not model fields, and their Chinese (a code "attachment:12" shows
# as the label of "attachment" and its number).
AUDIT_VALUE_LABELS = {
    "opened": {"case": _("案件详情"), "edit": _("修改页"), "referral_sheet": _("转介单"), "attachment": _("附件")},
    "field": {"id_number": _("完整身份证号")},
    "id_numbers": {"full": _("完整"), "masked": _("脱敏")},
    "extension": {"approved": _("已批准"), "refused": _("不予批准")},
}

AUDIT_CHANGE_LABELS = {
    "records": _("查看的记录"),
    "counter_entry": _("冲销记录"),
    "fields": _("修改的项目"),
    "opened": _("打开"),
    "rows": _("行数"),
    "filters": _("筛选条件"),
    "count": _("条数"),
    "period": _("期间"),
    "unit": _("单位"),
    "password": _("密码"),
    "locked": _("锁定"),
    # Keys the areas' services write that are not fields of the record's model.
    "field": _("字段"),
    "id_numbers": _("身份证号"),
    "of": _("所属"),
    "file": _("文件"),
    "stage": _("环节"),
    "referral": _("转介单位"),
    "without_consent": _("未经本人同意"),
    "assigned_to": _("承办人"),
    "visit": _("查访"),
    "reason": _("理由"),
    "extension_days": _("延长天数"),
    "month": _("月份"),
    "found": _("排查发现纠纷数"),
    "none_found": _("未发现纠纷"),
    "day": _("日期"),
    "import_job": _("导入批次"),
    "batch": _("批次"),
    "created": _("新增"),
    "updated": _("更新"),
    "skipped": _("跳过"),
    "changed": _("变更"),
    "memberships": _("特殊群体"),
    "group": _("特殊群体"),
    "head": _("户主"),
    "recipients": _("发放人数"),
    "splits": _("分解"),
    "dry_run": _("试导入"),
    "mode": _("方式"),
    "cancel_requested": _("请求取消"),
    "campaign": _("筛查活动"),
    "round": _("普查轮次"),
    "date": _("日期"),
    "amount": _("金额"),
    "cash": _("现金"),
    "goods": _("物品"),
    "programme": _("帮扶项目"),
    "status": _("状态"),
    "name": _("名称"),
    "code": _("代码"),
    "parent": _("上级单位"),
    "is_active": _("启用"),
    "case": _("案件"),
    "term": _("学期"),
    "year": _("年度"),
    "fund_source": _("资金来源"),
    "extension": _("延期审批"),
    "notice_on": _("告知日期"),
    "notice_how": _("告知方式"),
    "source": _("来源"),
    "mediation": _("调解记录"),
    "merged": _("合并的重复登记"),
    "merged_into": _("合并到"),
    "moved": _("转移的记录"),
    "village_followup": _("村(社区)跟进"),
    "seed": _("随机种子"),
    "townships": _("乡镇数"),
    "villages_per_township": _("每个乡镇的村数"),
    "people": _("人数"),
}

# The query parameters of a list (kept with an export as its 筛选条件).
AUDIT_FILTER_LABELS = {
    "q": _("查询"),
    "status": _("状态"),
    "unit": _("单位"),
    "year": _("年度"),
    "date_from": _("起始日期"),
    "date_to": _("截止日期"),
    "flagged": _("仅看提示"),
    "overdue": _("逾期未走访"),
    "kind": _("类型"),
    "programme": _("帮扶项目"),
    "active": _("状态"),
    "group": _("特殊群体"),
    "page": _("页码"),
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
        labels = audit_object_labels()
        if kind in labels:
            return str(labels[kind])
        # "care.benefits" (a list's download, not a model): the area's name.
        from django.apps import apps

        app = kind.partition(".")[0]
        if app in labels:
            return str(labels[app])
        return str(apps.get_app_config(app).verbose_name) if apps.is_installed(f"banbiantian.{app}") else self.object_type

    def change_lines(self) -> list[tuple[str, object, object]]:
        """(Chinese field label, before, after) for display (core.audit.describe: choice labels,
        names of linked records, 是/否)."""
        from .audit import describe

        return describe([self])[0]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("审计记录不可修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("审计记录不可删除。"))


class FormSubmission(models.Model):
    """A POST form's one-time token, claimed by its first submission (core/once.py). A second submission
    with the same token is answered with the first one's result page instead of saving again."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+")
    token = models.CharField(_("表单令牌"), max_length=64)
    at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    result_url = models.CharField(_("结果页面"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("表单提交记录")
        verbose_name_plural = _("表单提交记录")
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="form_submission_once")]

    def __str__(self):
        return f"{self.user} {self.at:%Y-%m-%d %H:%M} {self.result_url}"


class ExportJob(models.Model):
    """A large list download made by the task worker (core.exports): its progress, then its file.
    Only the user who asked for it may download it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    scope_field = "unit"

    user = models.ForeignKey(User, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("导出内容"), max_length=200)
    path = models.CharField(_("导出地址"), max_length=2000)  # the list's download URL with its filters
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已写行数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", max_length=300, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台导出")
        verbose_name_plural = _("后台导出")

    def __str__(self):
        return self.label

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        return min(100, self.rows_done * 100 // self.rows_total) if self.rows_total else 0
