"""The year-end summary (年度工作总结) as a Word draft, in the customary structure and the layout of
党政机关公文格式 (GB/T 9704-2012).

Title "XX妇联YYYY年工作总结"; 一、主要工作及成效 with one part per area (（一）（二）…) whose
sentences take every figure from core.metrics for the unit and year; 二、年度目标完成情况, a
table of targets against actuals; then 存在的问题 and 下一年工作打算, each with a one-line prompt
the chair writes over. The system's note (what the figures are, when they were counted) goes in
the document's properties, not in the text the chair sends.

Layout (GB/T 9704): A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; 22 lines of 28
characters; title 2号 (22 pt) 方正小标宋简体, body 3号 (16 pt) 仿宋_GB2312, 一级标题 3号黑体,
二级标题 3号楷体_GB2312; page numbers 4号 (14 pt) 宋体 "— 1 —" below the text, odd pages right
and even pages left, one character in. Chinese fonts are named for East Asian text (w:eastAsia),
as Word needs.

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
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from banbiantian.core import areas, metrics
from banbiantian.core.metrics import RATE, Period

from . import selectors
from .models import format_number

NUMERALS = "一二三四五六七八九十"
BODY_FONT, HEADING_FONT, SUBHEADING_FONT, TITLE_FONT, PAGE_NUMBER_FONT = (
    "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体")
TITLE_SIZE, BODY_SIZE, PAGE_NUMBER_SIZE, TABLE_SIZE = 22, 16, 14, 14  # 2号, 3号, 4号, 4号 (pt)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES, CHARS = 22, 28  # per page, per line
TEXT_HEIGHT_MM = 297 - MARGINS_MM["top"] - MARGINS_MM["bottom"]  # 225 mm: 22 lines of 28.95 pt
TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156 mm: 28 characters of 15.8 pt
PROMPTS = {"problems": "（请在此填写本年度工作中存在的问题。）", "plans": "（请在此填写下一年度的工作打算。）"}

# Each area's section (heading, [sentence templates]) is declared by the area itself
# (AreaConfig.summary_section, e.g. rights/summary.py) and comes here in area order.
# {key} placeholders are metric keys with "." → "__"; the wording follows the seeds' own summaries.
# 〔…〕 is an optional part, left out when its figures are all zero (or no rate can be given);
# 〔prefix|item|item〕 keeps the items with a figure and joins them with "、" after the prefix, so
# "其中高风险2件、危险级0件" reads "其中高风险2件". {so_far} is "全年" for a finished year and
# "年初至M月D日" for the running one; {as_of} "年底" or "M月D日" (what a stock figure is taken at);
# {closed_by} "年内" or "目前已" (办结 by the year's end); {now} today, "YYYY年M月D日" (what a 至今
# figure is taken at: a sentence with one says so); {year} the year. A sentence's wording must say
# what its metric counts: the list is docs/summary-figures.md, checked by
# planning/tests/test_summary_figures.py.
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
    # A sentence whose first part was left out starts with the next part's comma.
    return re.sub(r"^((?:\{so_far\})?)[，；]+", r"\1", text)


def _dates(year: int, today: datetime.date) -> dict[str, str]:
    now = f"{today.year}年{today.month}月{today.day}日"
    if today > datetime.date(year, 12, 31):
        return {"so_far": "全年", "as_of": "年底", "closed_by": "年内", "now": now, "year": str(year)}
    return {"so_far": f"年初至{today.month}月{today.day}日", "as_of": f"{today.month}月{today.day}日",
            "closed_by": "目前已", "now": now, "year": str(year)}


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
    """The run in `name` for Latin and East Asian text alike (w:rFonts ascii, hAnsi, eastAsia)."""
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _exact_lines(paragraph) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Mm(TEXT_HEIGHT_MM / LINES)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.space_before = fmt.space_after = Pt(0)


def _paragraph(doc, text: str, *, font=BODY_FONT, size=BODY_SIZE, bold=False, indent=True, align=None):
    paragraph = doc.add_paragraph()
    _exact_lines(paragraph)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)  # 首行缩进两字
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _page_setup(doc) -> None:
    """A4, the GB/T 9704 margins, a 22 × 28 grid, body text 3号仿宋 by default."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(MARGINS_MM["bottom"] - 7 - 6)  # the number's line 7 mm below the text
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, Pt(BODY_SIZE)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    # The document grid: 22 lines a page, 28 characters a line (the pitch is the default font's size
    # plus charSpace/4096 pt).
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    line_pitch = Mm(TEXT_HEIGHT_MM / LINES).pt
    char_pitch = Mm(TEXT_WIDTH_MM / CHARS).pt
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(line_pitch * 20)))
    grid.set(qn("w:charSpace"), str(round((char_pitch - BODY_SIZE) * 4096)))


def _page_number(paragraph) -> None:
    """ "— N —" with N Word's PAGE field, 4号宋体."""
    def field(code: str, text: str = "") -> None:
        run = paragraph.add_run(text)
        _font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        if code:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), code)
            run._r.append(char)

    field("", "— ")
    field("begin")
    instruction = paragraph.add_run()
    _font(instruction, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = " PAGE "
    instruction._r.append(text)
    field("separate")
    field("", "1")
    field("end")
    field("", " —")


def _page_numbers(doc) -> None:
    """单页码居右空一字，双页码居左空一字 (GB/T 9704 7.5)."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        one_character = Pt(PAGE_NUMBER_SIZE)
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = one_character
        else:
            paragraph.paragraph_format.left_indent = one_character
        _page_number(paragraph)


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
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, TABLE_SIZE)
    for number, row in enumerate(rows, start=1):
        target = row.target
        name = target.name + ("（手工填报）" if target.is_manual else "")
        actual = f"{row.actual_text}{target.unit_text}" if row.actual is not None else "—"
        if row.note:  # a split manual target: how many units below reported, and what
            actual += f"（{row.note}）"
        cells = [str(number), name, f"{target.symbol}{target.value_text}{target.unit_text}", actual,
                 f"{row.percent}%" if row.percent is not None else "—", str(row.status)]
        for cell, text in zip(table.add_row().cells, cells, strict=True):
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, TABLE_SIZE)


def build(unit, year: int) -> Document:
    doc = Document()
    _page_setup(doc)
    _page_numbers(doc)
    today = timezone.localdate()
    title = f"{unit.name}妇联{year}年工作总结"
    properties = doc.core_properties
    properties.title = title
    properties.subject = f"{year}年度工作总结（草稿）"
    properties.author = properties.last_modified_by = "半边天妇联工作信息系统"
    properties.keywords = f"{unit.code} {year}"
    properties.comments = (f"本文数据由半边天系统根据{year}年登记的工作记录统计，统计时间{today:%Y-%m-%d}；"
                           f"标注“至今”的数字按统计时间计，其余数字为{year}年内发生或年底在册的数字，以后登记的记录不再改变它们。")
    properties.created = properties.modified = timezone.now()
    _paragraph(doc, title, font=TITLE_FONT, size=TITLE_SIZE, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "", indent=False)  # a blank line under the title
    _paragraph(doc, f"{year}年，{unit.name}妇联在上级妇联和同级党委、政府的领导下，围绕中心、服务大局，"
                    f"团结带领广大妇女建功新时代，各项工作取得新进展。现将全年工作总结如下：")
    _paragraph(doc, "一、主要工作及成效", font=HEADING_FONT)
    for index, (heading, sentences) in enumerate(sections(unit, year), start=1):
        _paragraph(doc, f"（{numeral(index)}）{heading}", font=SUBHEADING_FONT)
        for sentence in sentences:
            _paragraph(doc, sentence)
    _paragraph(doc, "二、年度目标完成情况", font=HEADING_FONT)
    _targets_table(doc, unit, year)
    _paragraph(doc, "三、存在的问题", font=HEADING_FONT)
    _paragraph(doc, PROMPTS["problems"])
    _paragraph(doc, "四、下一年工作打算", font=HEADING_FONT)
    _paragraph(doc, PROMPTS["plans"])
    _paragraph(doc, "", indent=False)
    signature = _paragraph(doc, f"{unit.name}妇联", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    dated = _paragraph(doc, f"{today.year}年{today.month}月{today.day}日", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    for paragraph in (signature, dated):  # 成文日期右空四字
        paragraph.paragraph_format.right_indent = Pt(BODY_SIZE * 4)
    return doc


def summary_docx(*, unit, year: int, user=None) -> tuple[bytes, str]:
    """The draft as bytes, and its file name."""
    buffer = io.BytesIO()
    build(unit, year).save(buffer)
    return buffer.getvalue(), f"{unit.name}妇联{year}年工作总结.docx"
