"""Every rights form filled in a real browser as a user fills it (typing, picking the woman from the search,
ticking boxes, choosing from lists), the button clicked, and the record checked in the database and on the
page. The records a form needs first are made through the services. The closing approval and the 交村跟进
hand-over are left to their own module (they are being reworked)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from banbiantian.conftest import make_person
from banbiantian.core.testing.browser import PHONE, log_in, shot
from banbiantian.people.models import Person
from banbiantian.rights import services
from banbiantian.rights.models import (
    Attachment,
    Case,
    CaseCategory,
    DisputeScreening,
    ExtensionRequest,
    Holiday,
    MediationSession,
    Referral,
    RightsPolicy,
    Status,
    Visit,
)

pytestmark = pytest.mark.browser

TODAY = timezone.localdate()
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)  # the service checks the file's signature


def _detail(case):
    return reverse("rights:detail", args=[case.pk])


def _action(page, label):
    """The stage action's card on the case page (each is a <details>), opened."""
    box = page.locator("details.card").filter(
        has=page.locator("summary", has_text=re.compile("^" + re.escape(label) + "$")))
    expect(box).to_have_count(1)
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return box


def _click(page, scope, name):
    with page.expect_navigation():
        scope.get_by_role("button", name=name, exact=True).click()


def _done(page, text):
    expect(page.locator(".alert-success")).to_contain_text(text)


def _fresh(case):
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def accepted(new_case, personas):
    def _make(**fields):
        case = new_case(personas.chair, **fields)
        return services.case_accept(by=personas.chair, case=case, on=case.received_on)

    return _make


@pytest.fixture
def closed(accepted, personas):
    def _make():
        case = accepted()
        case = services.case_propose_close(by=personas.chair, case=case, outcome="已调解和好", satisfied=True)
        return services.case_approve_close(by=personas.county_rights, case=case, closed_on=TODAY)

    return _make


# --- registration: the woman picked from the search, the repeat question, a second tap --------------------

def test_register_picks_the_woman_and_a_double_tap_saves_one_case(live_server, new_page, personas, woman, category):
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("rights:register"))
    page.locator("#person-q").press_sequentially("wxy")
    page.get_by_role("link", name="王秀英").click()
    page.locator("#id_category").select_option(label="婚姻家庭纠纷")
    page.locator("#id_request").fill("丈夫不让回娘家")
    page.locator("#id_respondent").fill("李某")
    with page.expect_navigation():
        page.get_by_role("button", name="登记", exact=True).dblclick()
    expect(page.get_by_text("已登记，案件编号")).to_be_visible()
    case = Case.objects.get()
    assert case.petitioner == woman and case.request == "丈夫不让回娘家" and case.respondent == "李某"
    shot(page, "rights-form-register")


def test_back_then_save_again_does_not_register_the_petition_twice(live_server, new_page, personas, woman, category):
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("rights:register") + f"?person={woman.pk}")
    form = page.locator("form", has=page.get_by_role("button", name="登记", exact=True))
    as_shown = form.evaluate("f => f.outerHTML")
    page.locator("#id_category").select_option(label="婚姻家庭纠纷")
    page.locator("#id_request").fill("丈夫不让回娘家")
    with page.expect_navigation():
        page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_text("已登记，案件编号")).to_be_visible()
    first = Case.objects.get()

    page.go_back()  # chromium here fetches the page again: it now asks whether this is the same matter
    expect(page.get_by_text("该当事人已有 1 件信访记录")).to_be_visible()
    expect(page.get_by_label(f"与 {first.number}", exact=False)).not_to_be_checked()
    expect(page.get_by_label("新的事项")).not_to_be_checked()

    # A phone's back-forward cache gives the page back as it was, its one-time token included.
    form.evaluate("(f, html) => { f.outerHTML = html; }", as_shown)
    page.locator("#id_category").select_option(label="婚姻家庭纠纷")
    page.locator("#id_request").fill("丈夫不让回娘家")
    with page.expect_navigation():
        page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_text("该表单已提交，未重复保存。")).to_be_visible()
    expect(page).to_have_url(live_server.url + _detail(first))
    assert Case.objects.count() == 1


def test_repeat_question_answered_with_a_radio(live_server, new_page, personas, woman, new_case):
    earlier = new_case(personas.village_a)
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("rights:register") + f"?person={woman.pk}")
    page.get_by_label("新的事项").check()
    page.locator("#id_category").select_option(label="婚姻家庭纠纷")
    page.locator("#id_request").fill("这次是抚养费的事")
    with page.expect_navigation():
        page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_text("已登记，案件编号")).to_be_visible()
    case = Case.objects.exclude(pk=earlier.pk).get()
    assert not case.is_repeat and case.request == "这次是抚养费的事"


def test_quick_add_person_then_register(live_server, new_page, personas, tree, category):
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("rights:register"))
    page.locator("#person-q").press_sequentially("刘翠花")
    expect(page.get_by_text("人员库中没有找到")).to_be_visible()
    page.get_by_text("没找到？新增人员").click()
    form = page.locator("form", has=page.get_by_role("button", name="新增并继续登记"))
    form.get_by_label("姓名").fill("刘翠花")
    form.get_by_label("联系电话").fill("139 0000 0002")
    expect(form.get_by_label("所属村(社区)")).to_have_value(str(tree.village_a.pk))
    _click(page, form, "新增并继续登记")
    person = Person.objects.get(name="刘翠花")
    assert person.phone == "13900000002" and person.unit == tree.village_a
    expect(page.locator("h1")).to_contain_text("刘翠花")


def test_edit_case(live_server, new_page, personas, new_case):
    case = new_case(personas.chair)
    page = new_page()
    log_in(page, live_server, personas.chair, reverse("rights:edit", args=[case.pk]))
    page.get_by_label("诉求").fill("要求调解，并要求对方道歉")
    page.get_by_label("被反映人", exact=False).first.fill("张某")
    page.get_by_label("保密案件（列表不显示姓名）").check()
    _click(page, page, "保存")
    _done(page, "已保存。")
    case = _fresh(case)
    assert case.request == "要求调解，并要求对方道歉" and case.respondent == "张某" and case.confidential


def test_edit_conflict_shows_both_versions(live_server, new_page, personas, new_case):
    """Two people edit the same case: the second save is shown what changed meanwhile, nothing is overwritten."""
    case = new_case(personas.chair)
    page = new_page()
    log_in(page, live_server, personas.chair, reverse("rights:edit", args=[case.pk]))
    services.case_update(by=personas.chair, case=case, request="另一人改过的诉求", version=case.version)
    page.get_by_label("诉求").fill("我的修改")
    with page.expect_navigation():
        page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("另一人改过的诉求").first).to_be_visible()
    assert _fresh(case).request == "另一人改过的诉求"


# --- the stage actions on the case page ------------------------------------------------------------------

def test_accept(live_server, new_page, personas, new_case):
    case = new_case(personas.chair)
    page = new_page()
    log_in(page, live_server, personas.chair, _detail(case))
    box = _action(page, "受理")
    box.get_by_label("受理日期").fill(TODAY.isoformat())
    _click(page, box, "受理")
    _done(page, "已办理：受理。")
    assert _fresh(case).status == Status.ACCEPTED


def test_reject(live_server, new_page, personas, new_case):
    case = new_case(personas.chair)
    page = new_page()
    log_in(page, live_server, personas.chair, _detail(case))
    box = _action(page, "不予受理")
    box.get_by_label("不予受理理由").fill("不属于妇联职责范围")
    _click(page, box, "不予受理")
    case = _fresh(case)
    assert case.status == Status.REJECTED and case.reject_reason == "不属于妇联职责范围"


def test_object_to_an_assigned_case(live_server, new_page, personas, new_case):
    case = new_case(personas.chair, channel="assigned", received_on=TODAY)
    page = new_page()
    log_in(page, live_server, personas.chair, _detail(case))
    box = _action(page, "交办异议（5个工作日内）")
    box.get_by_label("异议理由").fill("属于劳动争议")
    _click(page, box, "交办异议（5个工作日内）")
    case = _fresh(case)
    assert case.status == Status.REJECTED and "属于劳动争议" in case.reject_reason


def test_refer_and_record_the_reply(live_server, new_page, personas, accepted):
    case = accepted()
    page = new_page()
    log_in(page, live_server, personas.chair, _detail(case))
    box = _action(page, "转办")
    box.get_by_label("转办部门").select_option(label="司法所")
    box.get_by_label("接收单位").fill("东塘司法所")
    _click(page, box, "转办")
    _done(page, "已办理：转办。")
    referral = Referral.objects.get(case=case)
    assert referral.agency == "justice" and referral.receiving_unit == "东塘司法所"

    form = page.locator("form", has=page.get_by_role("button", name="登记回复"))
    form.locator("textarea").fill("已调解，双方和好")
    _click(page, form, "登记回复")
    _done(page, "已登记转办回复。")
    referral.refresh_from_db()
    assert referral.replied_on == TODAY and referral.reply == "已调解，双方和好"


def test_record_a_mediation(live_server, new_page, personas, accepted):
    case = accepted()
    page = new_page(**PHONE)
    log_in(page, live_server, personas.chair, _detail(case))
    box = _action(page, "记录调解")
    box.get_by_label("调解员").fill("王主任")
    box.get_by_label("参加人").fill("王秀英、李某")
    box.get_by_label("达成协议").check()
    box.get_by_label("协议内容").fill("每月探望一次")
    _click(page, box, "记录调解")
    session = MediationSession.objects.get(case=case)
    assert session.agreement_reached and session.agreement_text == "每月探望一次" and session.parties == "王秀英、李某"
    expect(page.get_by_text("每月探望一次")).to_be_visible()


def test_request_an_extension_and_the_other_officer_approves_it(live_server, new_page, personas, accepted):
    case = accepted()
    page = new_page()
    log_in(page, live_server, personas.chair, _detail(case))
    box = _action(page, "申请延期（一次，最多30日）")
    box.get_by_label("申请延期天数").fill("20")
    box.get_by_label("延期理由").fill("需等待司法鉴定")
    _click(page, box, "申请延期（一次，最多30日）")
    _done(page, "申请延期")
    assert ExtensionRequest.objects.get(case=case).days == 20

    other = new_page()
    log_in(other, live_server, personas.county_rights, _detail(case))
    box = _action(other, "延期审批")
    box.get_by_label("审批结果").select_option(label="批准延期")
    box.get_by_label("审批意见").fill("同意")
    box.get_by_label("告知方式").fill("电话")
    _click(other, box, "延期审批")
    _done(other, "已办理：延期审批。")
    case = _fresh(case)
    assert case.extended_days == 20 and case.extension.decision == case.extension.Decision.APPROVED


def test_return_visit_then_review_then_answer(live_server, new_page, personas, closed):
    case = closed()
    page = new_page()
    log_in(page, live_server, personas.chair, _detail(case))
    box = _action(page, "回访")
    box.get_by_label("回访情况").fill("当事人表示满意")
    _click(page, box, "回访")
    case = _fresh(case)
    assert case.status == Status.VISITED and case.return_visit_result == "当事人表示满意"

    box = _action(page, "登记复查/复核申请")
    box.get_by_label("申请日期").fill(TODAY.isoformat())
    _click(page, box, "登记复查/复核申请")
    assert _fresh(case).status == Status.REVIEW

    box = _action(page, "复查/复核答复")
    box.get_by_label("复查/复核意见").fill("维持原处理意见")
    _click(page, box, "复查/复核答复")
    case = _fresh(case)
    assert case.outcome == "维持原处理意见" and case.status == Status.VISITED


# --- family violence: risk, 告诫书, the visits it schedules, a follow-up visit ------------------------------

def test_risk_assessment_ticks(live_server, new_page, personas, new_case, dv_category):
    case = new_case(personas.chair, category=dv_category)
    page = new_page(**PHONE)
    log_in(page, live_server, personas.chair, _detail(case))
    box = _action(page, "家暴风险评估")
    box.get_by_label("施暴人曾掐脖子或使受害人窒息").check()
    box.get_by_label("受害人受伤需要就医").check()
    _click(page, box, "家暴风险评估")
    case = _fresh(case)
    assert case.risk_answers["strangle"] and case.risk_answers["injured"] and not case.risk_answers["weapon"]
    assert case.risk_level == "danger"


def test_warning_letter_schedules_visits_and_a_visit_is_recorded(live_server, new_page, personas, new_case,
                                                                dv_category):
    case = new_case(personas.chair, category=dv_category, received_on=TODAY - datetime.timedelta(days=10))
    page = new_page()
    log_in(page, live_server, personas.chair, _detail(case))
    box = _action(page, "告诫书、保护令、强制报告")
    box.get_by_label("告诫书出具日期").fill((TODAY - datetime.timedelta(days=9)).isoformat())
    box.get_by_label("告诫书出具机关").fill("东塘派出所")
    box.get_by_label("告诫书送达村(居)委会日期").fill((TODAY - datetime.timedelta(days=8)).isoformat())
    box.get_by_label("已转介法律援助").check()
    _click(page, box, "告诫书、保护令、强制报告")
    case = _fresh(case)
    assert case.warning_issued_by == "东塘派出所" and case.legal_aid_referral
    visit = Visit.objects.filter(case=case).order_by("due_on").first()
    assert visit is not None and visit.done_on is None

    form = page.locator("form", has=page.get_by_role("button", name="登记查访")).first
    form.locator("textarea").fill("施暴人未再动手")
    _click(page, form, "登记查访")
    _done(page, "已登记查访。")
    visit.refresh_from_db()
    assert visit.done_on == TODAY and visit.result == "施暴人未再动手"


def test_follow_up_visit_on_a_dv_case(live_server, new_page, personas, accepted, dv_category):
    case = accepted(category=dv_category)
    page = new_page(**PHONE)
    log_in(page, live_server, personas.chair, _detail(case))
    box = _action(page, "登记跟进查访")
    box.get_by_label("查访情况").fill("已搬回娘家居住")
    _click(page, box, "登记跟进查访")
    assert Visit.objects.get(case=case).result == "已搬回娘家居住"


def test_upload_an_attachment(live_server, new_page, personas, new_case):
    case = new_case(personas.chair)
    page = new_page()
    log_in(page, live_server, personas.chair, _detail(case))
    page.locator("input[type=file]").set_input_files(files=[{"name": "伤情照片.png", "mimeType": "image/png",
                                                              "buffer": PNG}])
    _click(page, page, "上传")
    _done(page, "已上传附件。")
    assert Attachment.objects.get(case=case).name == "伤情照片.png"
    expect(page.get_by_role("link", name="伤情照片.png")).to_be_visible()


# --- the unit's pages: monthly screening, rules, categories, holidays --------------------------------------

def test_monthly_dispute_screening_on_a_phone(live_server, new_page, personas, tree):
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("rights:screening"))
    page.get_by_text("填报本月排查").click()
    expect(page.get_by_label("村(社区)")).to_have_value(str(tree.village_a.pk))
    page.get_by_label("排查发现").fill("3")
    page.get_by_label("化解").fill("2")
    page.locator("#id_escalated").fill("1")
    page.get_by_label("说明").fill("邻里宅基地纠纷")
    _click(page, page, "填报")
    _done(page, "已填报矛盾纠纷排查。")
    report = DisputeScreening.objects.get(unit=tree.village_a)
    assert (report.found, report.resolved, report.escalated) == (3, 2, 1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_unit_rules(live_server, new_page, personas, tree):
    page = new_page()
    log_in(page, live_server, personas.chair, reverse("rights:settings"))
    page.get_by_label("告知处理意见期限").fill("10")
    page.get_by_label("单位简称").fill("东塘")
    form = page.locator("form", has=page.locator("input[name=form][value=policy]"))
    _click(page, form, "保存")
    _done(page, "已保存本单位的办理规则。")
    policy = RightsPolicy.objects.get(unit=tree.township)
    assert policy.reply_days == 10 and policy.short_name == "东塘"


def test_add_a_category_and_switch_it_off(live_server, new_page, personas):
    page = new_page()
    log_in(page, live_server, personas.county, reverse("rights:settings"))
    page.get_by_label("新类别名称").fill("彩礼纠纷")
    page.get_by_label("属于家庭暴力").check()
    _click(page, page, "新增类别")
    _done(page, "已新增类别。")
    category = CaseCategory.objects.get(name="彩礼纠纷")
    assert category.is_domestic_violence and category.active
    row = page.locator("li", has_text="彩礼纠纷")
    _click(page, row, "停用")
    category.refresh_from_db()
    assert not category.active


def test_holiday_calendar(live_server, new_page, personas):
    day = datetime.date(TODAY.year + 1, 10, 8)
    day += datetime.timedelta(days=(5 - day.weekday()) % 7)  # 调休上班 falls on a weekend
    page = new_page()
    log_in(page, live_server, personas.county, reverse("rights:holidays"))
    page.get_by_label("日期").fill(day.isoformat())
    page.get_by_label("类型").select_option(label="调休上班")
    page.get_by_label("节日").fill("国庆节")
    _click(page, page, "保存")
    _done(page, f"已保存 {day}")
    holiday = Holiday.objects.get(day=day)
    assert holiday.kind == "work" and holiday.name == "国庆节"
    row = page.locator("tr", has_text="国庆节")
    _click(page, row, "删除")
    assert not Holiday.objects.filter(day=day).exists()


def test_case_list_filters(live_server, new_page, personas, new_case, tree):
    mine = new_case(personas.chair)
    other = new_case(personas.chair, make_person(tree.village_b, "赵小红"))
    page = new_page()
    log_in(page, live_server, personas.chair, reverse("rights:home"))
    search = page.locator("input[name=q]")
    search.fill(mine.number)
    with page.expect_navigation():
        search.press("Enter")
    expect(page.get_by_text(mine.number)).to_be_visible()
    expect(page.get_by_text(other.number)).to_have_count(0)


def test_a_stage_action_on_a_page_gone_stale_shows_the_conflict(live_server, new_page, personas, new_case):
    """Someone else acted on the case since the page was opened: nothing is done twice, the page says what changed."""
    case = new_case(personas.chair)
    page = new_page()
    log_in(page, live_server, personas.chair, _detail(case))
    services.case_reject(by=personas.county_rights, case=case, on=TODAY, reason="重复反映", version=case.version)
    box = _action(page, "受理")
    _click(page, box, "受理")
    expect(page.get_by_role("link", name="重新打开案件")).to_be_visible()
    assert _fresh(case).status == Status.REJECTED


def test_statistics_period(live_server, new_page, personas, new_case):
    new_case(personas.chair, received_on=TODAY - datetime.timedelta(days=3))
    new_case(personas.chair, received_on=TODAY - datetime.timedelta(days=40))
    page = new_page()
    log_in(page, live_server, personas.chair, reverse("rights:stats"))
    page.locator("#id_date_from").fill((TODAY - datetime.timedelta(days=10)).isoformat())
    page.locator("#id_date_to").fill(TODAY.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="统计").click()
    expect(page.locator("#received")).to_have_text("1")
