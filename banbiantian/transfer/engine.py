"""The one import engine: every registry (people first) describes its columns and how to check
and write a batch of rows; the engine finds the header, maps columns, skips titles, blank rows,
totals and signatures, checks every row, and writes in batches that are each all-or-nothing.

A dry run goes through the same steps except the write, so its report is what an import
would do (rows that depend on an earlier row of the same file are checked the same way).
"""

import datetime
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
    sheet: str = ""  # the worksheet's name when a workbook has several sheets read

    @property
    def where(self) -> str:
        """第5行, or 工作表“2026”第5行 in a workbook of several sheets."""
        if self.sheet:
            return _("工作表“%(s)s”第%(n)d行") % {"s": self.sheet, "n": self.number}
        return _("第%(n)d行") % {"n": self.number}

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
class SheetPart:
    """One worksheet read by an import: its position in the workbook, its name and its header's last row."""

    index: int
    name: str
    header_row: int


@dataclass
class Layout:
    header_row: int  # the header's last row (of the first sheet read): data starts below it
    headers: list[str]
    guessed: dict[str, int]  # field key -> column index
    header_rows: int = 1  # 2 when a merged group header (来访人情况) stands over its sub-columns
    sheets: list[SheetPart] = field(default_factory=list)  # every sheet read, in order; [] = the first only
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)  # (name, why it is not read)

    def parts(self) -> list[SheetPart]:
        return self.sheets or [SheetPart(0, "", self.header_row)]

    def unmapped(self, mapping: dict[str, int]) -> list[str]:
        """The header words of the columns that will not be imported (none of the registry's fields)."""
        used = set(mapping.values())
        return [h for i, h in enumerate(self.headers) if h and i not in used]


# What a data cell looks like, never a header: a date, an ID number, a phone number, a bare number.
_DATA_LIKE = re.compile(r"^(\d{4}\s*[.\-/年]\s*\d{1,2}(\s*[.\-/月]\s*\d{1,2}\s*日?)?|\d{15}|\d{17}[\dXx]|1\d{10}|"
                        r"[\d.\s]+)$")


def looks_like_data(cell) -> bool:
    if isinstance(cell, bool) or is_blank(cell):
        return False
    if isinstance(cell, (int, float, datetime.date)):
        return True
    return bool(_DATA_LIKE.match(str(cell).strip()))


def _guess(registry: Registry, cells: list) -> dict[str, int]:
    guessed = {}
    for index, cell in enumerate(cells):
        key = match_column(registry, cell) if isinstance(cell, str) else None
        if key and key not in guessed:
            guessed[key] = index
    return guessed


def _combined(upper: list, lower: list) -> list:
    """A two-row header as one: each column's lower cell (the sub-column), else the upper one (a cell merged
    down over both rows keeps its value in the upper row only)."""
    width = max(len(upper), len(lower))
    upper, lower = upper + [None] * (width - len(upper)), lower + [None] * (width - len(lower))
    return [low if not is_blank(low) else up for up, low in zip(upper, lower, strict=True)]


def _sheet_header(sheet: Sheet, registry: Registry, index: int) -> tuple[int, int, list, dict] | None:
    """(last header row, header rows, header cells, guessed mapping) of one worksheet, or None when none of
    its first rows holds at least two of the registry's column names."""
    scanned = []
    for number, cells in sheet.rows(index):
        if number > HEADER_SCAN_ROWS + 1:
            break
        if not all(is_blank(c) for c in cells):
            scanned.append((number, list(cells)))
    best = None
    for position, (number, cells) in enumerate(scanned):
        if number > HEADER_SCAN_ROWS:
            break
        guessed = _guess(registry, cells)
        if len(guessed) < 2:
            continue
        candidate = (number, 1, cells, guessed)
        below = scanned[position + 1] if position + 1 < len(scanned) else None
        if below is not None and below[0] == number + 1 and not any(looks_like_data(c) for c in below[1]):
            cells2 = _combined(cells, below[1])
            guessed2 = _guess(registry, cells2)
            if len(guessed2) > len(guessed):
                candidate = (below[0], 2, cells2, guessed2)
        if best is None or len(candidate[3]) > len(best[3]):
            best = candidate
        if len(best[3]) >= 4:
            break
    return best


def _keys(cells: list) -> list[str]:
    keys = [header_key(c) if c is not None else "" for c in cells]
    while keys and not keys[-1]:
        keys.pop()
    return keys


def find_header(sheet: Sheet, registry: Registry) -> Layout:
    """The header of the first worksheet that has one (one row, or a merged group header over a row of
    sub-columns), and every later worksheet with the same header (a book kept one sheet per year)."""
    names = sheet.sheet_names()
    layout = None
    for index, name in enumerate(names):
        found = _sheet_header(sheet, registry, index)
        if layout is None:
            if found is None:
                continue
            number, rows, cells, guessed = found
            data_like = [str(c) for c in cells if looks_like_data(c)]
            if data_like:
                raise FileError(_("第%(n)d行被当作表头，但其中有像数据的单元格（%(cells)s）：请检查表头行是否正确"
                                  "（表头应是“日期”“姓名”等列名），改正后再上传。") % {
                    "n": number, "cells": "、".join(data_like[:3])})
            layout = Layout(number, _keys(cells), guessed, header_rows=rows,
                            sheets=[SheetPart(index, name, number)])
            layout.skipped_sheets = [(n, _("前面的工作表没有表头")) for n in names[:index]]
            continue
        if found is None:
            layout.skipped_sheets.append((name, _("没有表头或是空表")))
        elif _keys(found[2]) != layout.headers:
            layout.skipped_sheets.append((name, _("表头与工作表“%(s)s”不同") % {"s": layout.sheets[0].name}))
        else:
            layout.sheets.append(SheetPart(index, name, found[0]))
    if layout is not None:
        return layout
    if not any(not all(is_blank(c) for c in cells) for index in range(len(names)) for _n, cells in sheet.rows(index)):
        raise FileError(_("第一个工作表是空的，没有任何数据。"))
    labels = "、".join(str(c.label) for c in registry.columns[:6])
    raise FileError(_("在前%(n)d行中没有找到表头：表头行应包含“%(labels)s”等列名。") % {
        "n": HEADER_SCAN_ROWS, "labels": labels})


def is_footer(cells: list) -> bool:
    texts = [str(c).strip().replace(" ", "").replace("\u3000", "") for c in cells if not is_blank(c)]
    if not texts:
        return True
    if any(t in TOTAL_WORDS or t.startswith(("合计", "总计")) for t in texts[:2]):
        return True
    return texts[0].startswith(FOOTER_PREFIXES)


def data_rows(sheet: Sheet, layout: Layout, mapping: dict[str, int]) -> Iterator[Row]:
    parts = layout.parts()
    for part in parts:
        for number, cells in sheet.rows(part.index):
            if number <= part.header_row or is_footer(cells):
                continue
            raw = {key: cells[index] if index < len(cells) else None for key, index in mapping.items()}
            if all(is_blank(v) for v in raw.values()):
                continue
            yield Row(number=number, cells=cells, raw=raw, sheet=part.name if len(parts) > 1 else "")


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
    issues: list = field(default_factory=list)  # [row, column label, "error"/"warning", message, sheet name]
    bad_rows: list = field(default_factory=list)  # (row number, cells, reason, sheet name)
    cancelled: bool = False
    sheets: dict = field(default_factory=dict)  # sheet name -> data rows read from it (every sheet read)
    skipped_sheets: list = field(default_factory=list)  # [name, why it was not read]
    unmapped: list = field(default_factory=list)  # the header words of the columns not imported

    ISSUE_LIMIT = 5000  # kept on the job for the page; the error file has every bad row

    def add_issue(self, row: int, column: str, level: str, message: str, sheet: str = "") -> None:
        if len(self.issues) < self.ISSUE_LIMIT:
            self.issues.append([row, column, level, message, sheet])

    def as_json(self) -> dict:
        return {"issues": self.issues, "batches": self.batches, "cancelled": self.cancelled,
                "issues_truncated": len(self.issues) >= self.ISSUE_LIMIT,
                "sheets": [[name, n] for name, n in self.sheets.items()],
                "skipped_sheets": [list(s) for s in self.skipped_sheets], "unmapped": self.unmapped}

    def summary_lines(self) -> list[str]:
        """What the report tells besides its rows: the rows read from each sheet, the sheets not read and the
        columns not imported (the page and the command print the same lines)."""
        return summary_lines(sheets=list(self.sheets.items()), skipped=self.skipped_sheets, unmapped=self.unmapped)


def summary_lines(*, sheets, skipped, unmapped) -> list[str]:
    lines = []
    named = [(name, n) for name, n in sheets if name]
    if named:
        lines.append(_("各工作表数据行：%(s)s。") % {"s": "，".join(
            _("“%(name)s”%(n)d行") % {"name": name, "n": n} for name, n in named)})
    for name, why in skipped:
        lines.append(_("工作表“%(s)s”未读取：%(why)s。") % {"s": name, "why": why})
    if unmapped:
        lines.append(_("以下列未导入：%(cols)s。") % {"cols": "、".join(unmapped)})
    return lines


# A real import whose first batch fails in most rows is refused before anything is written: the header or the
# column mapping is almost certainly wrong (a dry run still reports every row).
MOSTLY_FAILED_MIN_ROWS = 10
MOSTLY_FAILED_SHARE = 0.8


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
    report = Report(skipped_sheets=list(layout.skipped_sheets), unmapped=layout.unmapped(mapping))
    parts = layout.parts()
    for part in parts:
        report.sheets[part.name if len(parts) > 1 else ""] = 0
    batch: list[Row] = []
    number = 0

    def flush():
        nonlocal batch, number
        if not batch:
            return True
        number += 1
        registry.resolve_batch(batch, ctx)
        good = [r for r in batch if not r.errors]
        if (not dry_run and number == 1 and len(batch) >= MOSTLY_FAILED_MIN_ROWS
                and len(batch) - len(good) > len(batch) * MOSTLY_FAILED_SHARE):
            raise FileError(_("前%(n)d行中有%(f)d行未通过检查，表头或列对应很可能有误，未导入任何数据：请先试导入，"
                              "核对表头行和列对应后再导入。") % {"n": len(batch), "f": len(batch) - len(good)})
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
            report.sheets[r.sheet] = report.sheets.get(r.sheet, 0) + 1
            for key, message in r.errors:
                report.add_issue(r.number, headers.get(key, ""), "error", message, r.sheet)
            for key, message in r.warnings:
                report.add_issue(r.number, headers.get(key, ""), "warning", message, r.sheet)
            if r.errors:
                report.failed += 1
                reason = "；".join(f"{headers[k]}：{m}" if k in headers else m for k, m in r.errors)
                report.bad_rows.append((r.number, r.cells, reason, r.sheet))
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
    several = len(layout.parts()) > 1
    header = [*([_("工作表")] if several else []), _("原行号"), _("错误原因"), *layout.headers]
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    for number, row_cells, reason, sheet_name in report.bad_rows:
        sheet.append([*([sheet_name] if several else []), number, reason, *[escape_formula(str(c)) if c is not None and isinstance(c, str) else c
                                        for c in row_cells]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
