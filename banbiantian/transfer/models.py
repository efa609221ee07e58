from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from banbiantian.core.models import OrgUnit


class ImportJob(models.Model):
    """One uploaded file and what became of it: the import log, and the page's progress bar."""

    scope_field = "unit"

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("待核对")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        CHECKED = "checked", _("试导入完成")
        DONE = "done", _("导入完成")
        CANCELLED = "cancelled", _("已取消")
        FAILED = "failed", _("失败")

    class Mode(models.TextChoices):
        UPDATE = "update", _("更新已有人员")
        SKIP = "skip", _("跳过已有人员")

    registry = models.CharField(_("导入类型"), max_length=30)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("导入到单位"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/", max_length=300)
    file_name = models.CharField(_("文件名"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.UPLOADED)
    dry_run = models.BooleanField(_("试导入"), default=False)
    mode = models.CharField(_("已登记人员"), max_length=8, choices=Mode.choices, default=Mode.UPDATE)
    header_row = models.PositiveIntegerField(_("表头行"), default=0)
    headers = models.JSONField(_("表头"), default=list, blank=True)
    mapping = models.JSONField(_("列对应"), default=dict, blank=True)  # field key -> column index
    # Every worksheet read ([index, name, header's last row]) and those not read ([name, why]); a header of
    # two rows (a merged group header over sub-columns) has header_rows 2.
    sheets = models.JSONField(_("工作表"), default=list, blank=True)
    skipped_sheets = models.JSONField(_("未读取的工作表"), default=list, blank=True)
    header_rows = models.PositiveSmallIntegerField(_("表头行数"), default=1)
    estimated_rows = models.PositiveIntegerField(_("估计行数"), default=0)
    rows_total = models.PositiveIntegerField(_("数据行"), default=0)
    rows_ok = models.PositiveIntegerField(_("无误"), default=0)
    rows_warned = models.PositiveIntegerField(_("有提示"), default=0)
    rows_failed = models.PositiveIntegerField(_("失败"), default=0)
    rows_created = models.PositiveIntegerField(_("新增"), default=0)
    rows_updated = models.PositiveIntegerField(_("更新"), default=0)
    rows_skipped = models.PositiveIntegerField(_("跳过"), default=0)
    report = models.JSONField(_("报告"), default=dict, blank=True)
    error_file = models.FileField(_("错误行文件"), upload_to="imports/errors/%Y/%m/", max_length=300, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    # Set when the retention period deleted the uploaded file and the error file; the row stays as the log.
    files_expired_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)
    cancel_requested = models.BooleanField(_("已请求取消"), default=False)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "created_at"], name="importjob_unit_created")]

    def __str__(self):
        return self.file_name

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status in (self.Status.CHECKED, self.Status.DONE):
            return 100
        if not self.estimated_rows:
            return 0
        return min(99, round(100 * self.rows_total / self.estimated_rows))


class ColumnMapping(models.Model):
    """The column mapping a unit chose once, remembered by header word for its next files."""

    scope_field = "unit"

    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+")
    registry = models.CharField(_("导入类型"), max_length=30)
    headers = models.JSONField(_("表头与字段"), default=dict)  # header word -> field key
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    class Meta:
        verbose_name = _("列对应")
        verbose_name_plural = _("列对应")
        constraints = [models.UniqueConstraint(fields=["unit", "registry"], name="columnmapping_unit_registry")]

    def __str__(self):
        return f"{self.unit} · {self.registry}"
