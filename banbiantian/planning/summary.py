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

from banbiantian.core import metrics
from banbiantian.core.metrics import RATE, Period

from . import selectors
from .models import format_number

NUMERALS = "一二三四五六七八九十"
BODY_FONT, HEADING_FONT, TITLE_FONT = "仿宋_GB2312", "黑体", "方正小标宋简体"

# (area, heading, [sentence templates]); {key} placeholders are metric keys with "." → "__".
# The wording follows the seeds' own summaries ("全年共受理妇女信访X件，办结Y件…").
# 〔…〕 is an optional part, left out when its figures are all zero (or no rate can be given);
# 〔prefix|item|item〕 keeps the items with a figure and joins them with "、" after the prefix, so
# "其中高风险2件、危险级0件" reads "其中高风险2件". {so_far} is "全年" for a finished year and
# "年初至M月D日" for the running one; {as_of} "年底" or "M月D日" (what a stock figure is taken at);
# {year} the year.
SECTIONS = [
    ("people", "摸清底数，建立妇女儿童基础信息库", [
        "截至{as_of}，共登记人员{people__persons}人〔，其中|18周岁以上妇女{people__women}人|"
        "未成年人{people__children}人〕〔，登记家庭户{people__households}户〕"
        "〔；{so_far}新登记18周岁以上妇女{people__women_new}人〕。",
        "登记在册的特殊群体人员{people__special_group_people}人〔，其中|留守妇女{people__group__left_behind_women}人|"
        "贫困母亲{people__group__poor_mothers}人|单亲特困母亲{people__group__single_poor_mothers}人|"
        "留守儿童{people__group__left_behind_children}人|困境儿童{people__group__children_in_plight}人〕。",
    ]),
    ("rights", "依法维护妇女儿童权益，化解矛盾纠纷", [
        "{so_far}共收到妇女信访{rights__cases_received}件，受理{rights__cases_accepted}件，"
        "办结{rights__cases_accepted_closed}件〔，办结率{rights__handled_rate}〕〔；按期办结率{rights__on_time_rate}〕"
        "〔，当事人满意率{rights__satisfaction_rate}〕。",
        "〔发生|重复信访{rights__cases_repeat}件|越级信访{rights__cases_skip_level}件〕。",
        "〔受理家庭暴力案件{rights__dv_cases}件〕〔，其中|高风险{rights__dv_risk_high}件|危险级{rights__dv_risk_danger}件〕"
        "〔；协助出具|告诫书{rights__warnings_issued}份|人身安全保护令{rights__protection_orders_granted}份〕。",
        "开展婚姻家庭纠纷调解{rights__mediation_sessions}次〔，达成调解协议{rights__mediation_agreements}次〕。",
        "开展矛盾纠纷排查，发现矛盾纠纷{rights__screening_found}件〔，化解{rights__screening_resolved}件〕"
        "〔，化解率{rights__screening_resolved_rate}〕〔，上报{rights__screening_escalated}件〕。",
    ]),
    ("care", "关爱帮扶困难妇女儿童", [
        "{so_far}共帮扶困难妇女儿童{care__people_reached}人，发放帮扶{care__benefits_given}次"
        "〔，发放|现金{care__benefit_cash}元|物品折价{care__benefit_goods_value}元〕。",
        "深化结对帮扶，{so_far}在结对{care__pairings_active}对〔，结对帮扶对象{care__people_paired}人〕"
        "〔，其中贫困母亲{care__poor_mothers_paired}人〕〔，走访结对对象{care__pairing_visits}次〕。",
        "组织妇女两癌筛查{care__screened}人次〔，其中|宫颈癌筛查{care__screened_cervical}人次|"
        "乳腺癌筛查{care__screened_breast}人次〕〔；发现异常{care__screening_abnormal}人次〕"
        "〔，异常随访率{care__screening_follow_up_rate}〕〔；批准两癌救助{care__relief_approved}人〕"
        "〔，救助金额{care__relief_amount}元〕。",
        "实施春蕾计划，资助女童{care__spring_bud_girls_aided}人〔，资助金额{care__spring_bud_aid_amount}元〕。",
        "开展{year}年度留守儿童普查，普查登记留守儿童{care__left_behind_children}人。",
        "推进女性安康保险，参保{care__insurance_policies}人〔，保费{care__insurance_premiums}元〕"
        "〔，赔付{care__insurance_claims_paid}元〕。",
        "〔募集爱心捐款{care__donations_in}元〕〔，善款支出{care__donations_out}元〕。",
    ]),
]
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
              for area, heading, templates in SECTIONS]
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
