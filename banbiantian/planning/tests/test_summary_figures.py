"""The year-end summary (.docx) read back as the chair gets it: every figure it states is the metric
behind its sentence and the hand count below; a finished year's document does not change when this
year's work is recorded; and the statistics pages show the same numbers for the same year.

东塘镇 in 2025, counted by hand:
  people   王一 王二 王三 王四 (women), 李五 (a man), 王小六 (a girl born 2015), all registered 2025-01-05:
           registered 6, women 4, minors 1, women newly registered in 2025 4. Groups: 王一 留守妇女 and
           贫困母亲, 王二 贫困母亲 → 2 people in a group, 留守妇女 1, 贫困母亲 2 (the groups add up to 3).
  rights   A 王一 婚姻家庭 received 03-01, accepted 03-02, mediated 03-10 with an agreement, closed 04-20, satisfied
           B 王二 劳动 received 05-01, accepted 05-02, mediated 05-10 without agreement, closed 2026-01-10
           C 王三 家庭暴力 received 06-01, accepted 06-01, high risk, 告诫书 06-03, order applied 06-04, granted 06-05
           D 王四 婚姻家庭 received 12-20, only registered
           E 王四 家庭暴力 received 12-28, only registered
           → received 5, accepted 3 (A B C), of them closed in 2025 1 (A: B closed in 2026) → 办结率 33.3%;
           closed in 2025 1, on time 1 → 100%, satisfied 1 of 1 → 100%; DV received 2 (C E), accepted 1 (C),
           high risk 1; orders applied 1, granted 1; 告诫书 1; mediations 2 (A B), family ones 1 (A), agreements 1.
  care     applications 王一 02-01 (approved 02-15) and 王二 11-01 (approved 2026-01-05) → applied 2, approved 1;
           benefits to 王一 03-01 ¥200 and 09-01 ¥300 + goods ¥100 → 1 woman, 2 times, ¥500, goods ¥100;
           screening 05-10: 王一 both tests normal, 王二 both tests 异常需复查, 王三 cervical only normal →
           3 women screened, cervical 3, breast 2 (3 + 2 > 3: the tests are not parts of the whole), abnormal 1.
"""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from banbiantian.care import services as care
from banbiantian.care.models import EnrolmentStep, Kind, Result
from banbiantian.care.models import Status as CareStatus
from banbiantian.conftest import make_person
from banbiantian.core import metrics
from banbiantian.core.metrics import Period
from banbiantian.people.models import GroupMembership, Person, SpecialGroup
from banbiantian.planning import summary
from banbiantian.rights import services as rights
from banbiantian.rights.models import CaseCategory

D = datetime.date
YEAR = 2025
PERIOD = Period("year", YEAR)
AT = timezone.get_current_timezone()


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 10, tzinfo=AT)


@pytest.fixture
def township(tree, personas, county_rights):
    chair, unit = personas.chair, tree.township
    women = [make_person(tree.village_a, name) for name in ("王一", "王二", "王三", "王四")]
    make_person(tree.village_a, "李五", female=False, birth=D(1980, 1, 1))
    make_person(tree.village_b, "王小六", birth=D(2015, 6, 1))
    Person.objects.update(created_at=_at(D(YEAR, 1, 5)))
    wang1, wang2, wang3, wang4 = women
    for person, code in ((wang1, "left_behind_women"), (wang1, "poor_mothers"), (wang2, "poor_mothers")):
        GroupMembership.objects.create(person=person, group=SpecialGroup.objects.get(code=code),
                                       start_date=D(2024, 1, 1))

    def case(person, category, received, **data):
        return rights.case_register(by=chair, petitioner=person, channel="visit", request="请求帮助",
                                    category=CaseCategory.objects.get(code=category), received_on=received,
                                    consent_share=True, **data)

    def close(c, on, satisfied):
        c = rights.case_propose_close(by=chair, case=c, outcome="已办", satisfied=satisfied)
        return rights.case_approve_close(by=county_rights, case=c, closed_on=on)

    a = rights.case_accept(by=chair, case=case(wang1, "marriage", D(YEAR, 3, 1)), on=D(YEAR, 3, 2))
    rights.mediation_add(by=chair, case=a, held_on=D(YEAR, 3, 10), mediators="李", parties="双方",
                         agreement_reached=True, agreement_text="协议")
    close(type(a).objects.get(pk=a.pk), D(YEAR, 4, 20), True)
    b = rights.case_accept(by=chair, case=case(wang2, "labour", D(YEAR, 5, 1)), on=D(YEAR, 5, 2))
    rights.mediation_add(by=chair, case=b, held_on=D(YEAR, 5, 10), mediators="李", parties="双方",
                         agreement_reached=False)
    c = rights.case_accept(by=chair, case=case(wang3, "dv", D(YEAR, 6, 1)), on=D(YEAR, 6, 1))
    c = rights.case_assess_risk(by=chair, case=c, answers={"injured": True, "fear": True})
    rights.case_update_dv(by=chair, case=c, warning_issued_on=D(YEAR, 6, 3), warning_issued_by="东塘派出所",
                          order_applied_at=_at(D(YEAR, 6, 4)), order_court="县人民法院", order_granted_on=D(YEAR, 6, 5))
    case(wang4, "marriage", D(YEAR, 12, 20))
    case(wang4, "dv", D(YEAR, 12, 28))

    programme = care.programme_create(by=chair, unit=unit, name="困难妇女帮扶", kind=Kind.OTHER, year=YEAR,
                                      budget="5000.00", fund_source="县妇联")
    for person, applied, approved in ((wang1, D(YEAR, 2, 1), D(YEAR, 2, 15)), (wang2, D(YEAR, 11, 1), D(2026, 1, 5))):
        enrolment = care.enrolment_create(by=chair, programme=programme, person=person, applied_on=applied)
        care.enrolment_transition(by=chair, enrolment=enrolment, to=CareStatus.REVIEWING)
        care.enrolment_transition(by=chair, enrolment=enrolment, to=CareStatus.APPROVED)
        EnrolmentStep.objects.filter(enrolment=enrolment).update(at=_at(approved))
    care.benefit_create(by=chair, programme=programme, person=wang1, given_on=D(YEAR, 3, 1), cash="200.00",
                        delivered_by="张主席")
    care.benefit_create(by=chair, programme=programme, person=wang1, given_on=D(YEAR, 9, 1), cash="300.00",
                        goods="米油", goods_value="100.00", delivered_by="张主席")
    campaign = care.campaign_create(by=chair, unit=unit, name="两癌筛查", date=D(YEAR, 5, 10), institution="县妇幼保健院")
    for person, result, breast in ((wang1, Result.NORMAL, True), (wang2, Result.REVIEW, True),
                                   (wang3, Result.NORMAL, False)):
        care.consent_record(by=chair, person=person, kind="health", basis="consent", given_on=D(YEAR, 5, 1))
        care.screening_result_record(by=chair, campaign=campaign, person=person, result=result, breast=breast)
    return type("Township", (), {"unit": unit, "b": b, "chair": chair, "wang4": wang4, "case": staticmethod(case),
                                 "close": staticmethod(close)})


# (pattern in the document, metric, hand count): each figure the summary states for 东塘镇 in 2025.
FIGURES = [
    (r"共登记人员(\d+)人", "people.persons", 6),
    (r"其中18周岁以上妇女(\d+)人", "people.women", 4),
    (r"未成年人(\d+)人", "people.children", 1),
    (r"新登记18周岁以上妇女(\d+)人", "people.women_new", 4),
    (r"在册的特殊群体人员(\d+)人", "people.special_group_people", 2),
    (r"留守妇女(\d+)人", "people.group.left_behind_women", 1),
    (r"贫困母亲(\d+)人", "people.group.poor_mothers", 2),
    (r"共收到信访(\d+)件", "rights.cases_received", 5),
    (r"，受理(\d+)件", "rights.cases_accepted", 3),
    (r"其中年内办结(\d+)件", "rights.cases_accepted_closed", 1),
    (r"，办结率([\d.]+)%", "rights.handled_rate", Decimal("33.3")),
    (r"办结信访件(\d+)件", "rights.cases_closed", 1),
    (r"按期办结率([\d.]+)%", "rights.on_time_rate", Decimal("100")),
    (r"当事人满意率([\d.]+)%", "rights.satisfaction_rate", Decimal("100")),
    (r"收到家庭暴力案件(\d+)件", "rights.dv_cases", 2),
    (r"受理家庭暴力案件(\d+)件", "rights.dv_cases_accepted", 1),
    (r"高风险(\d+)件", "rights.dv_risk_high", 1),
    (r"协助当事人向法院申请人身安全保护令(\d+)件", "rights.protection_orders_applied", 1),
    (r"法院签发人身安全保护令(\d+)份", "rights.protection_orders_granted", 1),
    (r"公安机关出具家庭暴力告诫书(\d+)份", "rights.warnings_issued", 1),
    (r"开展矛盾纠纷调解(\d+)次", "rights.mediation_sessions", 2),
    (r"其中婚姻家庭纠纷调解(\d+)次", "rights.family_mediation_sessions", 1),
    (r"共达成调解协议(\d+)次", "rights.mediation_agreements", 1),
    (r"受理帮扶申请(\d+)人", "care.enrolments_applied", 2),
    (r"审核通过帮扶对象(\d+)人", "care.beneficiaries_approved", 1),
    (r"共帮扶困难妇女儿童(\d+)人", "care.people_reached", 1),
    (r"发放帮扶(\d+)次", "care.benefits_given", 2),
    (r"现金([\d.]+)元", "care.benefit_cash", Decimal("500")),
    (r"物品折价([\d.]+)元", "care.benefit_goods_value", Decimal("100")),
    (r"受检妇女(\d+)人次", "care.screened", 3),
    (r"宫颈癌筛查(\d+)人次", "care.screened_cervical", 3),
    (r"乳腺癌筛查(\d+)人次", "care.screened_breast", 2),
    (r"发现异常(\d+)人次", "care.screening_abnormal", 1),
]


def _document(unit, year=YEAR) -> Document:
    data, _name = summary.summary_docx(unit=unit, year=year)
    return Document(io.BytesIO(data))


def _number(text: str):
    return Decimal(text) if "." in text else int(text)


def test_every_figure_in_the_document_is_its_metric_and_the_hand_count(township):
    text = "\n".join(p.text for p in _document(township.unit).paragraphs)
    got = metrics.compute([key for _p, key, _n in FIGURES], [township.unit], PERIOD)
    for pattern, key, hand in FIGURES:
        found = re.findall(pattern, text)
        assert len(found) == 1, (pattern, found, text)
        assert _number(found[0]) == hand == got[key][township.unit.pk], key
    # Every figure the document states is one of those: none is left unchecked.
    body = text.split("一、主要工作及成效", 1)[1].split("二、年度目标完成情况", 1)[0]
    body = re.sub(r"至\d{4}年\d{1,2}月\d{1,2}日|18周岁", "", body)  # the dates of 至今 figures, the age of adults
    stated = re.findall(r"\d+(?:\.\d+)?", body)
    assert len(stated) == len(FIGURES), stated
    # The wording says what the figures count.
    assert "协助出具" not in text and "其中宫颈癌" not in text
    assert "分项目计（同时做两项的分别计入）宫颈癌筛查3人次、乳腺癌筛查2人次" in text
    assert "开展矛盾纠纷调解2次，其中婚姻家庭纠纷调解1次" in text
    assert "收到家庭暴力案件2件，受理家庭暴力案件1件" in text
    assert "本年度系统中暂无该项工作的登记数据" not in text


def test_a_finished_years_document_does_not_change_when_this_years_work_is_recorded(township):
    before = [p.text for p in _document(township.unit).paragraphs]
    # This year: B (accepted in 2025) is closed, a new case comes in and is accepted; through the care
    # services (which keep the running totals) a woman helped last year is helped again and screened again.
    township.close(type(township.b).objects.get(pk=township.b.pk), D(2026, 1, 10), False)
    new = township.case(township.wang4, "marriage", D(2026, 2, 1))
    rights.case_accept(by=township.chair, case=new, on=D(2026, 2, 2))
    rights.mediation_add(by=township.chair, case=new, held_on=D(2026, 2, 3), mediators="李", parties="双方",
                         agreement_reached=True, agreement_text="协议")
    wang1 = Person.objects.get(name="王一")
    programme = care.programme_create(by=township.chair, unit=township.unit, name="本年帮扶", kind=Kind.OTHER,
                                      year=2026, budget="1000.00", fund_source="县妇联")
    care.benefit_create(by=township.chair, programme=programme, person=wang1, given_on=D(2026, 1, 20), cash="100.00",
                        delivered_by="张主席")
    campaign = care.campaign_create(by=township.chair, unit=township.unit, name="本年筛查", date=D(2026, 3, 1),
                                    institution="县妇幼保健院")
    care.screening_result_record(by=township.chair, campaign=campaign, person=wang1, result=Result.NORMAL)
    after = [p.text for p in _document(township.unit).paragraphs]
    signed = lambda lines: [t for t in lines if not re.fullmatch(r"\d{4}年\d+月\d+日", t)]  # noqa: E731
    assert signed(after) == signed(before)
    assert "其中年内办结1件，办结率33.3%" in "".join(after)


def test_a_township_whose_care_work_is_an_imported_roster_gets_its_approvals(tree, personas):
    woman = make_person(tree.village_c, "赵兰")
    programme = care.programme_create(by=personas.county, unit=tree.other_township, name="春蕾妈妈",
                                      kind=Kind.OTHER, year=YEAR, budget="100.00", fund_source="县妇联")
    enrolment = care.enrolment_create(by=personas.county, programme=programme, person=woman, applied_on=D(YEAR, 3, 1))
    for step in (CareStatus.REVIEWING, CareStatus.APPROVED):
        care.enrolment_transition(by=personas.county, enrolment=enrolment, to=step)
    EnrolmentStep.objects.filter(enrolment=enrolment).update(at=_at(D(YEAR, 3, 20)))
    care_section = dict(summary.sections(tree.other_township, YEAR))["关爱帮扶困难妇女儿童"]
    assert care_section == ["全年受理帮扶申请1人，审核通过帮扶对象1人。"]


def _mm(length) -> float:
    return round(length.mm, 1)


def _east_asian(paragraph) -> set[str]:
    return {run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in paragraph.runs}


def _sizes(paragraph) -> set[float]:
    return {run.font.size.pt for run in paragraph.runs}


def test_the_document_is_a4_in_the_official_document_layout(township):
    doc = _document(township.unit)
    section = doc.sections[0]
    assert (_mm(section.page_width), _mm(section.page_height)) == (210.0, 297.0)
    assert [_mm(m) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                             section.right_margin)] == [37.0, 35.0, 28.0, 26.0]
    grid = section._sectPr.find(qn("w:docGrid"))
    # 22 lines in the 225 mm text height, 28 characters of 16 pt in the 156 mm text width.
    assert abs(int(grid.get(qn("w:linePitch"))) / 20 * 22 - 225 / 25.4 * 72) < 1
    assert abs((16 + int(grid.get(qn("w:charSpace"))) / 4096) * 28 - 156 / 25.4 * 72) < 1
    paragraphs = doc.paragraphs
    title = paragraphs[0]
    assert _east_asian(title) == {"方正小标宋简体"} and _sizes(title) == {22}
    first = next(p for p in paragraphs if p.text == "一、主要工作及成效")
    second = next(p for p in paragraphs if p.text.startswith("（一）"))
    body = next(p for p in paragraphs if p.text.startswith("全年共收到信访"))
    assert _east_asian(first) == {"黑体"} and _sizes(first) == {16}
    assert _east_asian(second) == {"楷体_GB2312"} and _sizes(second) == {16}
    assert _east_asian(body) == {"仿宋_GB2312"} and _sizes(body) == {16}
    assert abs(body.paragraph_format.line_spacing.pt * 22 - 225 / 25.4 * 72) < 1
    # Page numbers "— N —", 4号宋体, odd pages right and even pages left.
    assert doc.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        paragraph = footer.paragraphs[0]
        assert paragraph.text == "— 1 —" and _sizes(paragraph) == {14} and _east_asian(paragraph) == {"宋体"}
        assert "PAGE" in "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
    # The system's note is in the properties, not in the text; the chair's parts have a prompt.
    properties = doc.core_properties
    assert properties.title == f"东塘镇妇联{YEAR}年工作总结"
    assert "半边天系统" in properties.comments and "统计时间" in properties.comments
    assert f"{YEAR}年度工作总结" in properties.subject
    text = [p.text for p in paragraphs]
    assert not any("半边天" in t or "统计时间" in t for t in text)
    for heading in ("三、存在的问题", "四、下一年工作打算"):
        prompt = text[text.index(heading) + 1]
        assert prompt.startswith("（请在此填写") and prompt.endswith("）")


def _value(html: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}">([^<]*)<', html).group(1).strip()


def test_the_statistics_pages_show_the_documents_figures(township, personas, login):
    text = "\n".join(p.text for p in _document(township.unit).paragraphs)

    def stated(pattern):
        return re.search(pattern, text).group(1)

    client = login(personas.chair)
    unit = township.unit.pk
    page = client.get(reverse("rights:stats"), {"unit": unit, "date_from": "2025-01-01",
                                                "date_to": "2025-12-31"}).content.decode()
    assert _value(page, "received") == stated(r"共收到信访(\d+)件") == "5"
    assert _value(page, "handled-rate") == stated(r"办结率([\d.]+%)") == "33.3%"
    assert Decimal(_value(page, "on-time-rate").rstrip("%")) == Decimal(stated(r"按期办结率([\d.]+)%")) == 100
    care_page = client.get(reverse("care:stats"), {"unit": unit, "year": YEAR, "kind": "year"}).content.decode()
    assert _value(care_page, "screened") == stated(r"受检妇女(\d+)人次") == "3"
    assert _value(care_page, "screened-by-test") == (
        f'{stated(r"宫颈癌筛查(\d+)人次")} / {stated(r"乳腺癌筛查(\d+)人次")}')
    assert f"全年受助 {stated(r'共帮扶困难妇女儿童(\d+)人')} 人" in care_page
    # Each figure's own page (planning's drill-down) for the year.
    for pattern, key, _hand in FIGURES:
        figure = client.get(reverse(metrics.FIGURE_URL_NAME, args=[key]), {"unit": unit, "period": str(YEAR)})
        html = figure.content.decode()
        shown = re.search(r'class="figure-value">([^<]*)<', html).group(1).replace(",", "")
        assert _number(shown) == _number(stated(pattern)), key


def test_every_figure_of_the_summary_is_in_the_audit_list():
    from pathlib import Path

    from banbiantian.core import areas

    listed = (Path(__file__).resolve().parents[3] / "docs" / "summary-figures.md").read_text()
    keys = {key for _area, _heading, templates in areas.summary_sections() for t in templates
            for key in summary._keys(t)}
    assert keys and not [key for key in keys if f"`{key}`" not in listed and key.rsplit(".", 1)[0] + ".*" not in listed]


def test_the_monitoring_form_does_not_call_the_women_screened_the_total_of_the_tests(db):
    from banbiantian.statforms.models import Cell, Rule

    m1 = Cell.objects.get(form__code="妇统年1表", code="M1")
    assert m1.metric_key == "care.screened" and m1.column_label == "受检妇女"
    messages = list(Rule.objects.filter(form__code="妇统年1表", left__in=["M2", "M3"]).values_list("message", flat=True))
    assert messages and not [m for m in messages if "合计" in m]
