"""The year-end summary (年度工作总结) as a Word draft, in the customary structure.

Title "XX妇联YYYY年工作总结", one numbered section per area (一、二、三…) whose sentences take
every figure from core.metrics for the unit and year, a table of targets against actuals,
then the headings 存在的问题 and 下一年工作打算 left for the chair to write.

A sentence names the metric keys it uses; it is written only when every key is registered,
so an area whose metrics are missing is skipped rather than failing. All figures come from
one `metrics.compute` call.
"""

import datetime
import io
import re
import string
from decimal import Decimal

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from banbiantian.core import areas, metrics
from banbiantian.core.metrics import RATE, Period

from . import selectors
from .models import format_number

NUMERALS = "一二三四五六七八九十"
BODY_FONT, HEADING_FONT, TITLE_FONT = "仿宋_GB2312", "黑体", "方正小标宋简体"

# Each area's section (heading, [sentence templates]) is declared by the area itself
# (AreaConfig.summary_section, e.g. rights/summary.py) and comes here in area order.
# {key} placeholders are metric keys with "." → "__"; the wording follows the seeds' own summaries.
# 〔…〕 is an optional part, left out when its figures are all zero (or no rate can be given);
# 〔prefix|item|item〕 keeps the items with a figure and joins them with "、" after the prefix, so
# "其中高风险2件、危险级0件" reads "其中高风险2件". {so_far} is "全年" for a finished year and
# "年初至M月D日" for the running one; {as_of} "年底" or "M月D日" (what a stock figure is taken at);
# {year} the year.
OPTIONAL = re.compile("〔([^〔〕]*)〕")


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (section numbers)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else NUMERALS[tens - 1] + "十")
    return head + (NUMERALS[ones - 1] if ones else "")


def _keys(template: str) -> list[str]:
    """The metric keys a template uses (its other placeholders, such as {so_far}, have no "__")."""
    return [name.replace("__", ".") for _lit, name, _spec, _conv in string.Formatter().parse(template)
            if name and "__" in name]


def _drop_empty(template: str, figures: dict) -> str:
    """The template with its optional parts (〔…〕) that have nothing to say left out."""
    def shown(part: str) -> bool:
        return any(figures[k] for k in _keys(part))

    def fill(match) -> str:
        prefix, bar, rest = match.group(1).partition("|")
        if not bar:
            return prefix if shown(prefix) else ""
        items = [item for item in rest.split("|") if shown(item)]
        return prefix + "、".join(items) if items else ""

    text = OPTIONAL.sub(fill, template)
    return text.lstrip("，；")


def _dates(year: int, today: datetime.date) -> dict[str, str]:
    if today > datetime.date(year, 12, 31):
        return {"so_far": "全年", "as_of": "年底", "year": str(year)}
    return {"so_far": f"年初至{today.month}月{today.day}日", "as_of": f"{today.month}月{today.day}日", "year": str(year)}


def _text(metric, value) -> str:
    if value is None:
        return "—"
    if metric.kind == RATE:
        return f"{format_number(value)}%"
    return format_number(value) if isinstance(value, Decimal) else f"{value}"


def sections(unit, year: int) -> list[tuple[str, list[str]]]:
    """(heading, sentences) for each area with registered metrics, figures filled in.

    A sentence whose figures are all zero (nothing recorded) is left out; an area with
    metrics but nothing recorded all year says so in one sentence."""
    registered = {m.key for m in metrics.all_metrics()}
    usable = [(area, heading, [t for t in templates if set(_keys(t)) <= registered])
              for area, heading, templates in areas.summary_sections()]
    usable = [(area, heading, templates) for area, heading, templates in usable if templates]
    keys = [k for _area, _heading, templates in usable for t in templates for k in _keys(t)]
    values = metrics.compute(keys, [unit], Period("year", year)) if keys else {}
    dates = _dates(year, timezone.localdate())
    result = []
    for _area, heading, templates in usable:
        sentences = []
        for template in templates:
            figures = {k: values[k][unit.pk] for k in _keys(template)}
            if not any(figures.values()):
                continue
            text = _drop_empty(template, figures)
            if text.startswith("。"):
                continue
            sentences.append(text.format(**dates, **{k.replace(".", "__"): _text(metrics.get(k), v)
                                                     for k, v in figures.items()}))
        result.append((heading, sentences or ["本年度系统中暂无该项工作的登记数据。"]))
    return result


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(doc, text: str, *, font=BODY_FONT, size=16, bold=False, indent=True, align=None):
    paragraph = doc.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)  # 首行缩进两字
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _targets_table(doc, unit, year: int) -> None:
    plan = selectors.plan_of(unit, year)
    targets = list(selectors.targets_of(plan)) if plan else []
    if not targets:
        _paragraph(doc, "本年度未在系统中制定目标。")
        return
    rows = selectors.progress_for(targets, unit, year, today=min(timezone.localdate(), datetime.date(year, 12, 31)))
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    headers = ["序号", "目标", "目标值", "实际完成", "完成率", "完成情况"]
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 12)
    for number, row in enumerate(rows, start=1):
        target = row.target
        name = target.name + ("（手工填报）" if target.is_manual else "")
        actual = f"{row.actual_text}{target.unit_text}" if row.actual is not None else "—"
        if row.note:  # a split manual target: how many units below reported, and what
            actual += f"（{row.note}）"
        cells = [str(number), name, f"{target.symbol}{target.value_text}{target.unit_text}", actual,
                 f"{row.percent}%" if row.percent is not None else "—", str(row.status)]
        for cell, text in zip(table.add_row().cells, cells, strict=True):
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, 12)


def build(unit, year: int) -> Document:
    doc = Document()
    title = f"{unit.name}妇联{year}年工作总结"
    doc.core_properties.title = title
    _paragraph(doc, title, font=TITLE_FONT, size=22, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, f"{year}年，{unit.name}妇联在上级妇联和同级党委、政府的领导下，围绕中心、服务大局，"
                    f"团结带领广大妇女建功新时代，各项工作取得新进展。现将全年工作总结如下：")
    numbered = sections(unit, year)
    for index, (heading, sentences) in enumerate(numbered, start=1):
        _paragraph(doc, f"{numeral(index)}、{heading}", font=HEADING_FONT)
        for sentence in sentences:
            _paragraph(doc, sentence)
    n = len(numbered)
    _paragraph(doc, f"{numeral(n + 1)}、年度目标完成情况", font=HEADING_FONT)
    _targets_table(doc, unit, year)
    _paragraph(doc, f"{numeral(n + 2)}、存在的问题", font=HEADING_FONT)
    _paragraph(doc, "")
    _paragraph(doc, f"{numeral(n + 3)}、下一年工作打算", font=HEADING_FONT)
    _paragraph(doc, "")
    today = timezone.localdate()
    _paragraph(doc, f"{unit.name}妇联", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, f"{today.year}年{today.month}月{today.day}日", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, f"（本文数据由半边天系统根据{year}年登记的工作记录统计，统计时间{today:%Y-%m-%d}。）",
               size=12, indent=False)
    return doc


def summary_docx(*, unit, year: int, user=None) -> tuple[bytes, str]:
    """The draft as bytes, and its file name."""
    buffer = io.BytesIO()
    build(unit, year).save(buffer)
    return buffer.getvalue(), f"{unit.name}妇联{year}年工作总结.docx"
