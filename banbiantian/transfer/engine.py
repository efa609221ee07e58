"""The one import engine: every registry (people first) describes its columns and how to check
and write a batch of rows; the engine finds the header, maps columns, skips titles, blank rows,
totals and signatures, checks every row, and writes in batches that are each all-or-nothing.

A dry run goes through the same steps except the write, so its report is what an import
would do (rows that depend on an earlier row of the same file are checked the same way).
"""

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banbiantian.core import areas
from banbiantian.lib.xlsx.readers import FileError, Sheet, is_blank

BATCH_SIZE = 1000
HEADER_SCAN_ROWS = 30
# Rows that are not data: totals and the signature lines under a ledger.
TOTAL_WORDS = {"合计", "总计", "小计", "共计", "累计"}
FOOTER_PREFIXES = ("填表人", "填报人", "制表人", "审核人", "负责人", "单位负责人", "签字", "签名", "盖章", "填报日期",
                   "填表日期", "制表日期", "填报时间", "说明：", "说明:", "注：", "注:", "备注：", "登记人：",
                   "登记人:", "经办人：", "经办人:", "记录人：", "记录人:")


@dataclass
class Column:
    key: str
    label: str  # lazily translated (gettext_lazy): str() it where a str is needed
    aliases: tuple[str, ...] = ()
    required: bool = False
    choices: tuple[str, ...] = ()  # offered as a drop-down in the blank template
    help: str = ""
    example: str = ""


@dataclass
class Row:
    number: int  # the row number in the user's file
    cells: list  # as read, for the error file
    raw: dict  # field key -> cell value
    data: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # [(field key or "", message)]
    warnings: list = field(default_factory=list)
    action: str = ""  # "create", "update" or "skip" once resolved

    def error(self, key: str, message: str) -> None:
        self.errors.append((key, message))

    def warn(self, key: str, message: str) -> None:
        self.warnings.append((key, message))

    def parse(self, key: str, parser: Callable, default=None):
        """parser(the cell), or `default` with the cell's CellError recorded against its column."""
        from banbiantian.lib.xlsx.cells import CellError

        try:
            return parser(self.raw.get(key))
        except CellError as exc:
            self.error(key, str(exc))
            return default


class Registry:
    """What a registry tells the engine. Subclasses: `people.transfer.PeopleRegistry`."""

    name = ""
    label = ""
    columns: list[Column] = []
    # Every one is needed to import, and to see the registry's jobs, files and reports.
    permissions: tuple[str, ...] = ("import_data",)
    # What re-importing a row that matches an existing record may do (ImportJob.Mode values) and its words.
    modes: tuple[tuple[str, str], ...] = (("update", gettext_lazy("更新已登记的记录")),
                                          ("skip", gettext_lazy("跳过已登记的记录")))
    mode_label = gettext_lazy("已登记的记录")
    guide: tuple[str, ...] = ()  # the 填写说明 lines of the blank template

    # Seeing another user's jobs, reports and error files of this registry (the uploader always sees hers).
    view_permissions: tuple[str, ...] | None = None

    def allowed(self, user) -> bool:
        return all(user.has_perm_name(p) for p in self.permissions)

    def sees_others_jobs(self, user) -> bool:
        needed = self.permissions if self.view_permissions is None else self.view_permissions
        return all(user.has_perm_name(p) for p in needed)

    def may_see_job(self, user, job) -> bool:
        return job.created_by_id == user.pk or self.sees_others_jobs(user)

    def column_choices(self, column: Column) -> tuple[str, ...]:
        """The drop-down of a coded column in the blank template (a registry may read them from the database)."""
        return column.choices

    def context(self, *, by, unit, mode: str) -> dict:
        return {"by": by, "unit": unit, "mode": mode}

    def clean_row(self, row: Row, ctx: dict) -> None:
        raise NotImplementedError

    def resolve_batch(self, rows: list[Row], ctx: dict) -> None:
        """Look up existing records for the batch (one query or two) and set each row's action."""
        raise NotImplementedError

    def write_batch(self, rows: list[Row], ctx: dict, *, batch: int) -> dict:
        raise NotImplementedError

    def preview(self, row: Row) -> list[str]:
        """The row as it will be stored, one text per column."""
        return [str(row.data.get(c.key, "")) for c in self.columns]


def registry_names() -> list[str]:
    """Every declared registry's name (AreaConfig.import_registries), in area order."""
    return list(areas.import_registries())


def get_registry(name: str) -> Registry:
    try:
        return areas.import_registries()[name]
    except KeyError:
        raise FileError(_("没有名为“%(n)s”的导入类型。") % {"n": name}) from None


def registries_for(user) -> list[Registry]:
    """The registries the user may import into (in area order)."""
    return [r for r in areas.import_registries().values() if r.allowed(user)]


def header_key(text) -> str:
    """'身份证号码\n(18位)*' -> '身份证号码': spaces, stars and notes in brackets dropped."""
    raw = re.sub(r"[（(【\[].*?[)）】\]]", "", str(text or ""))
    return re.sub(r"[\s*＊:：]", "", raw)


def match_column(registry: Registry, header) -> str | None:
    key = header_key(header)
    if not key:
        return None
    for column in registry.columns:
        if key == column.label or key in column.aliases:
            return column.key
    for column in registry.columns:  # "公民身份证号码" still holds "身份证号"
        if any(len(a) >= 3 and a in key for a in (str(column.label), *column.aliases)):
            return column.key
    return None


@dataclass
class Layout:
    header_row: int
    headers: list[str]
    guessed: dict[str, int]  # field key -> column index


def find_header(sheet: Sheet, registry: Registry) -> Layout:
    seen_any = False
    best = None
    for number, cells in sheet.rows():
        if number > HEADER_SCAN_ROWS:
            break
        if all(is_blank(c) for c in cells):
            continue
        seen_any = True
        guessed = {}
        for index, cell in enumerate(cells):
            key = match_column(registry, cell) if isinstance(cell, str) else None
            if key and key not in guessed:
                guessed[key] = index
        if len(guessed) >= 2 and (best is None or len(guessed) > len(best.guessed)):
            best = Layout(number, [header_key(c) if c is not None else "" for c in cells], guessed)
            if len(guessed) >= 4:
                break
    if not seen_any:
        raise FileError(_("第一个工作表是空的，没有任何数据。"))
    if best is None:
        labels = "、".join(str(c.label) for c in registry.columns[:6])
        raise FileError(_("在前%(n)d行中没有找到表头：表头行应包含“%(labels)s”等列名。") % {
            "n": HEADER_SCAN_ROWS, "labels": labels})
    return best


def is_footer(cells: list) -> bool:
    texts = [str(c).strip().replace(" ", "").replace("\u3000", "") for c in cells if not is_blank(c)]
    if not texts:
        return True
    if any(t in TOTAL_WORDS or t.startswith(("合计", "总计")) for t in texts[:2]):
        return True
    return texts[0].startswith(FOOTER_PREFIXES)


def data_rows(sheet: Sheet, layout: Layout, mapping: dict[str, int]) -> Iterator[Row]:
    for number, cells in sheet.rows():
        if number <= layout.header_row or is_footer(cells):
            continue
        raw = {key: cells[index] if index < len(cells) else None for key, index in mapping.items()}
        if all(is_blank(v) for v in raw.values()):
            continue
        yield Row(number=number, cells=cells, raw=raw)


@dataclass
class Report:
    total: int = 0
    ok: int = 0
    warned: int = 0
    failed: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    batches: list = field(default_factory=list)  # [number, first row, last row, "ok"/"failed"/"dry", message]
    issues: list = field(default_factory=list)  # [row, column label, "error"/"warning", message]
    bad_rows: list = field(default_factory=list)  # (row number, cells, reason)
    cancelled: bool = False

    ISSUE_LIMIT = 5000  # kept on the job for the page; the error file has every bad row

    def add_issue(self, row: int, column: str, level: str, message: str) -> None:
        if len(self.issues) < self.ISSUE_LIMIT:
            self.issues.append([row, column, level, message])

    def as_json(self) -> dict:
        return {"issues": self.issues, "batches": self.batches, "cancelled": self.cancelled,
                "issues_truncated": len(self.issues) >= self.ISSUE_LIMIT}


def run(*, registry: Registry, sheet: Sheet, layout: Layout, mapping: dict[str, int], by, unit, dry_run: bool,
        mode: str = "update", batch_size: int = BATCH_SIZE, on_batch: Callable[[Report], bool] | None = None,
        job=None) -> Report:
    """Check (and unless `dry_run`, write) every data row. `on_batch` is called after each batch
    with the report so far and returns False to stop (a cancel between batches)."""
    missing = [str(c.label) for c in registry.columns if c.required and c.key not in mapping]
    if missing:
        raise FileError(_("缺少必填列：%(cols)s。请在列对应中指定。") % {"cols": "、".join(missing)})
    labels = {c.key: c.label for c in registry.columns}
    # An issue names the user's own header word; a column she did not map, by the registry's label.
    headers = {**{key: str(label) for key, label in labels.items()},
               **{key: layout.headers[i] for key, i in mapping.items() if i < len(layout.headers) and layout.headers[i]}}
    ctx = registry.context(by=by, unit=unit, mode=mode)
    ctx.update(mapped=set(mapping), job=job)
    report = Report()
    batch: list[Row] = []
    number = 0

    def flush():
        nonlocal batch, number
        if not batch:
            return True
        number += 1
        registry.resolve_batch(batch, ctx)
        good = [r for r in batch if not r.errors]
        status, message = "dry", ""
        if not dry_run and good:
            try:
                with transaction.atomic():  # all-or-nothing, whatever the registry's writer does
                    counts = registry.write_batch(good, ctx, batch=number)
            except Exception as exc:  # the batch's transaction rolled back: none of its rows went in
                status = "failed"
                message = "；".join(getattr(exc, "messages", None) or [str(exc)])[:300]
                for r in good:
                    r.error("", _("本批（第%(n)d批）写入失败，整批未导入：%(m)s") % {"n": number, "m": message})
            else:
                status = "ok"
                report.created += counts.get("created", 0)
                report.updated += counts.get("updated", 0)
                report.skipped += counts.get("skipped", 0)
        elif dry_run:
            report.created += sum(1 for r in good if r.action == "create")
            report.updated += sum(1 for r in good if r.action == "update")
            report.skipped += sum(1 for r in good if r.action == "skip")
        for r in batch:
            report.total += 1
            for key, message in r.errors:
                report.add_issue(r.number, headers.get(key, ""), "error", message)
            for key, message in r.warnings:
                report.add_issue(r.number, headers.get(key, ""), "warning", message)
            if r.errors:
                report.failed += 1
                reason = "；".join(f"{headers[k]}：{m}" if k in headers else m for k, m in r.errors)
                report.bad_rows.append((r.number, r.cells, reason))
            elif r.warnings:
                report.warned += 1
            else:
                report.ok += 1
        report.batches.append([number, batch[0].number, batch[-1].number, status, message])
        batch = []
        return on_batch(report) if on_batch else True

    for row in data_rows(sheet, layout, mapping):
        registry.clean_row(row, ctx)
        batch.append(row)
        if len(batch) >= batch_size and not flush():
            report.cancelled = True
            return report
    if not flush():
        report.cancelled = True
    return report


def error_workbook(layout: Layout, report: Report) -> bytes:
    """The bad rows as the user wrote them, with the row number and the reason beside them."""
    import openpyxl
    from openpyxl.styles import Font

    from banbiantian.lib.xlsx.cells import escape_formula

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("错误行"))
    header = [_("原行号"), _("错误原因"), *layout.headers]
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    for number, row_cells, reason in report.bad_rows:
        sheet.append([number, reason, *[escape_formula(str(c)) if c is not None and isinstance(c, str) else c
                                        for c in row_cells]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
