import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry
from banbiantian.people.models import Person
from banbiantian.rights import services
from banbiantian.rights.models import Case, Status

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_register_flow_find_person_then_register(personas, login, woman, category):
    client = login(personas.village_a)
    found = client.get(reverse("rights:person_search"), {"q": "王秀"})
    assert f"?person={woman.pk}" in found.content.decode()
    page = client.get(reverse("rights:register"), {"person": woman.pk})
    assert page.status_code == 200 and "是否同一事项" not in page.content.decode()
    response = client.post(reverse("rights:register"), {
        "person": woman.pk, "channel": "visit", "category": category.pk, "received_on": TODAY.isoformat(),
        "request": "丈夫不让回娘家", "consent_contact": "on"})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("rights:detail", args=[case.pk])
    assert case.registered_by == personas.village_a and case.consent_contact and not case.consent_share


def test_register_shows_earlier_cases_and_asks_same_matter(personas, login, woman, new_case, category):
    earlier = new_case(personas.village_a)
    client = login(personas.village_a)
    page = client.get(reverse("rights:register"), {"person": woman.pk}).content.decode()
    assert earlier.number in page and "是否同一事项" in page
    client.post(reverse("rights:register"), {
        "person": woman.pk, "channel": "call", "category": category.pk, "received_on": TODAY.isoformat(),
        "request": "再次反映", "same_matter_as": earlier.pk})
    repeat = Case.objects.exclude(pk=earlier.pk).get()
    assert repeat.is_repeat and repeat.repeat_of == earlier


def test_register_bad_input_shows_chinese_error_and_writes_nothing(personas, login, woman, category):
    client = login(personas.chair)
    response = client.post(reverse("rights:register"), {
        "person": woman.pk, "channel": "visit", "category": category.pk,
        "received_on": (TODAY + datetime.timedelta(days=2)).isoformat(), "request": "x"})
    assert response.status_code == 200 and "收到日期不能晚于今天" in response.content.decode()
    assert not Case.objects.exists()


def test_register_for_person_outside_scope_is_404(personas, login, tree, category):
    stranger = make_person(tree.village_c, "外乡人")
    client = login(personas.chair)
    assert client.get(reverse("rights:register"), {"person": stranger.pk}).status_code == 404
    assert client.post(reverse("rights:register"), {"person": stranger.pk, "channel": "visit",
                                                   "category": category.pk, "request": "x"}).status_code == 404
    assert not Case.objects.exists()


def test_quick_add_person_then_register(personas, login, tree):
    client = login(personas.village_a)
    response = client.post(reverse("rights:person_add"), {"name": "刘翠花", "phone": "13900000002",
                                                           "unit": tree.village_a.pk})
    person = Person.objects.get(name="刘翠花")
    assert response.status_code == 302 and response["Location"].endswith(f"?person={person.pk}")


def test_detail_is_logged_and_outsider_writes_nothing(personas, login, new_case):
    case = new_case(personas.village_a, narrative="机密叙述")
    chair, outsider = login(personas.chair), login(personas.village_b)
    before = AuditEntry.objects.count()
    response = chair.get(reverse("rights:detail", args=[case.pk]))
    assert "机密叙述" in response.content.decode()
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "view" and entry.object_id == str(case.pk) and entry.actor == personas.chair
    count = AuditEntry.objects.count()
    assert count == before + 1
    assert outsider.get(reverse("rights:detail", args=[case.pk])).status_code == 404
    assert outsider.post(reverse("rights:action", args=[case.pk, "propose_close"]),
                                          {"outcome": "x"}).status_code == 404
    assert AuditEntry.objects.count() == count


def test_village_director_sees_only_registered_or_assigned(personas, login, new_case, tree):
    own = new_case(personas.village_a)
    chairs = new_case(personas.chair)
    client = login(personas.village_a)
    page = client.get(reverse("rights:home")).content.decode()
    assert own.number in page and chairs.number not in page
    assert client.get(reverse("rights:detail", args=[chairs.pk])).status_code == 404
    services.case_assign(by=personas.chair, case=chairs, assignee=personas.village_a)
    assert client.get(reverse("rights:detail", args=[chairs.pk])).status_code == 200
    assert chairs.number in client.get(reverse("rights:home")).content.decode()


def test_confidential_case_hides_name_in_list_and_search(personas, login, new_case, woman):
    new_case(personas.chair, confidential=True)
    client = login(personas.chair)
    page = client.get(reverse("rights:home")).content.decode()
    assert "（保密）" in page and woman.name not in page
    assert "共 0 件" in client.get(reverse("rights:home"), {"q": "王秀英"}).content.decode()


def test_referral_sheet_never_shows_reporter_or_narrative(personas, login, new_case):
    case = new_case(personas.chair, reporter_name="邻居张三", reporter_phone="13700000000", narrative="详细经过",
                    injuries="淤青", current_address="秘密住址", respondent="丈夫")
    services.case_accept(by=personas.chair, case=case, on=TODAY)
    referral = services.case_refer(by=personas.chair, case=case, agency="police", receiving_unit="东塘派出所",
                                   referred_on=TODAY)
    page = login(personas.chair).get(reverse("rights:referral_sheet", args=[referral.pk])).content.decode()
    assert case.number in page and "东塘派出所" in page
    for secret in ("邻居张三", "13700000000", "详细经过", "淤青", "秘密住址"):
        assert secret not in page


def test_action_view_runs_transition_and_refuses_out_of_order(personas, login, new_case):
    case = new_case(personas.chair)
    client = login(personas.chair)
    response = client.post(reverse("rights:action", args=[case.pk, "approve_close"]),
                           {"closed_on": TODAY.isoformat(), "version": case.version}, follow=True)
    assert "案件尚未申请办结，不能审批办结" in response.content.decode()
    client.post(reverse("rights:action", args=[case.pk, "accept"]), {"on": TODAY.isoformat(), "version": case.version})
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED
    assert client.post(reverse("rights:action", args=[case.pk, "nonsense"]), {}).status_code == 404


def test_stale_action_is_409_with_difference(personas, login, new_case):
    case = new_case(personas.chair)
    stale = case.version
    login(personas.county).post(reverse("rights:action", args=[case.pk, "accept"]),
                                {"on": TODAY.isoformat(), "version": stale})
    response = login(personas.chair).post(reverse("rights:action", args=[case.pk, "reject"]),
                                          {"on": TODAY.isoformat(), "reason": "不属实", "version": stale})
    assert response.status_code == 409
    body = response.content.decode()
    assert "已被他人修改" in body and "办理中" in body
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_edit_conflict_shows_both_values(personas, login, new_case, category):
    case = new_case(personas.chair)
    form = {"channel": "visit", "category": category.pk, "received_on": case.received_on.isoformat(),
            "consent_share": "on", "version": case.version}
    login(personas.county).post(reverse("rights:edit", args=[case.pk]), {**form, "request": "县里改的"})
    response = login(personas.chair).post(reverse("rights:edit", args=[case.pk]), {**form, "request": "镇里改的"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "县里改的" in body and "镇里改的" in body
    assert Case.objects.get(pk=case.pk).request == "县里改的"


def test_attachment_download_is_checked_and_logged(personas, login, new_case):
    case = new_case(personas.village_a)
    client = login(personas.village_a)
    client.post(reverse("rights:attachment_upload", args=[case.pk]),
                {"file": SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n....")})
    bad = client.post(reverse("rights:attachment_upload", args=[case.pk]),
                      {"file": SimpleUploadedFile("病毒.exe", b"MZ")}, follow=True)
    assert "只能上传" in bad.content.decode()
    attachment = case.attachments.get()
    response = client.get(reverse("rights:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert AuditEntry.objects.filter(action="view", changes__opened=f"attachment:{attachment.pk}").exists()
    assert login(personas.village_b).get(reverse("rights:attachment", args=[attachment.pk])).status_code == 404


def test_register_book_masks_minors_and_confidential_and_logs_export(personas, login, new_case, tree, township_staff):
    child = make_person(tree.village_a, "张小花", birth=TODAY.replace(year=TODAY.year - 10), address="东塘村1组",
                        phone="13600000000")
    new_case(personas.chair, child, request="被打")
    new_case(personas.chair, confidential=True, request="保密的事")
    new_case(personas.chair, request="土地款")
    client = login(personas.chair)  # the chair has no view_minor_details
    response = client.get(reverse("rights:register_book_xlsx"))
    rows = list(load_workbook(__import__("io").BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1] == ("日期", "来访人", "身份证号", "住址", "联系电话", "反映问题", "类别", "处理情况", "办结时间", "风险等级",
                       "满意度", "回访情况")
    flat = str(rows)
    assert "张小花" not in flat and "张某（未成年人）" in flat and "13600000000" not in flat
    assert "（保密）" in flat and "王秀英" in flat and "东塘村3组" in flat
    assert AuditEntry.objects.filter(action="export", object_repr__startswith="信访登记簿").exists()
    county_rows = str(list(load_workbook(__import__("io").BytesIO(
        login(personas.county).get(reverse("rights:register_book_xlsx")).content)).active.iter_rows(values_only=True)))
    assert "张小花" in county_rows  # the county admin holds view_minor_details
    page = client.get(reverse("rights:register_book")).content.decode()
    assert "张某（未成年人）" in page and "土地款" in page


def test_due_list_shows_overdue_and_pending(personas, login, new_case, dv_category):
    late = new_case(personas.chair, received_on=TODAY - datetime.timedelta(days=20))
    fresh = new_case(personas.chair, received_on=TODAY)
    dv = new_case(personas.chair, category=dv_category)
    services.case_update_dv(by=personas.chair, case=dv,
        warning_issued_on=TODAY - datetime.timedelta(days=9), warning_served_on=TODAY - datetime.timedelta(days=8),
        warning_issued_by="东塘派出所", order_applied_at=timezone.now())
    page = login(personas.chair).get(reverse("rights:due")).content.decode()
    overdue_part, soon_part = page.split("7日内到期", 1)
    assert late.number in overdue_part and fresh.number not in overdue_part
    assert "告诫书查访" in page and dv.number in soon_part


def test_due_list_says_which_deadline_is_missed(personas, login, new_case):
    """A closed case is overdue only while its return visit is open, and the row says so; a visited one is
    not; a referral awaiting a reply past its due date makes its case overdue, named as such."""
    D = datetime.timedelta

    def closed(received_on):
        case = new_case(personas.chair, received_on=received_on)
        case = services.case_accept(by=personas.chair, case=case, on=received_on)
        case = services.case_propose_close(by=personas.chair, case=case, outcome="调解", satisfied=True)
        return services.case_approve_close(by=personas.county, case=case, closed_on=received_on + D(days=10))

    unvisited = closed(TODAY - D(days=200))
    visited = closed(TODAY - D(days=190))
    services.case_return_visit(by=personas.chair, case=visited, visited_on=TODAY - D(days=170), result="满意")
    referred = new_case(personas.chair, received_on=TODAY - D(days=40))
    referred = services.case_accept(by=personas.chair, case=referred, on=TODAY - D(days=40))
    services.case_refer(by=personas.chair, case=referred, agency="court", receiving_unit="县法院",
                        referred_on=TODAY - D(days=39))
    page = login(personas.chair).get(reverse("rights:due")).content.decode()
    overdue_part = page.split("7日内到期", 1)[0]
    assert unvisited.number in overdue_part and visited.number not in overdue_part
    row = overdue_part.split(unvisited.number, 1)[1].split("</tr>", 1)[0]
    assert f"回访期限 {unvisited.return_visit_due:%Y-%m-%d} 逾期" in row
    row = overdue_part.split(referred.number, 1)[1].split("</tr>", 1)[0]
    assert "转办回复期限" in row and "逾期" in row and "办结期限" not in row  # its 60 days are not up yet
    rows = [r for r in load_workbook(__import__("io").BytesIO(b"".join(login(personas.chair).get(
        reverse("rights:due_xlsx")).streaming_content))).active.iter_rows(values_only=True) if r[0] == "已逾期"]
    assert {r[1]: r[6] for r in rows} == {unvisited.number: "回访期限已过", referred.number: "转办回复期限已过"}


def test_screening_lists_villages_not_reported(personas, login, tree):
    client = login(personas.village_a)
    response = client.post(reverse("rights:screening"), {"unit": tree.village_a.pk, "month": TODAY.isoformat(),
                                                         "none_found": "on", "found": 0, "resolved": 0, "escalated": 0})
    assert response.status_code == 302
    page = login(personas.chair).get(reverse("rights:screening")).content.decode()
    missing = page.split("未填报的村(社区)", 1)[1]
    assert "桥头村" in missing and "东塘村" not in missing and "西岭村" not in missing
    assert "未发现" in page
    bad = client.post(reverse("rights:screening"), {"unit": tree.village_a.pk, "month": TODAY.isoformat(),
                                                    "found": 0, "resolved": 0, "escalated": 0})
    assert bad.status_code == 400 and "请填写发现的矛盾纠纷数" in bad.content.decode()


def test_dashboard_panel_shows_overdue_by_township_and_high_risk(personas, login, new_case, dv_category):
    new_case(personas.chair, received_on=TODAY - datetime.timedelta(days=20))
    dv = new_case(personas.chair, category=dv_category)
    services.case_assess_risk(by=personas.chair, case=dv, answers={"weapon": True})
    from banbiantian.rights.dashboard import rights_panel

    panel = rights_panel(personas.county)
    cards = {c["label"]: c["value"] for c in panel["cards"]}
    assert cards["已逾期"] == 1 and cards["高危家暴（未结）"] == 1
    assert ("东塘镇", 1, 1) in panel["table"]["rows"] and ("西岭乡", 0, 0) in panel["table"]["rows"]
    assert rights_panel(personas.viewer) is None
    assert "高危家暴" in login(personas.chair).get(reverse("dashboard")).content.decode()


def test_settings_page_saves_policy_and_county_adds_category(personas, login):
    from banbiantian.rights.models import CaseCategory, RightsPolicy

    from .test_services import POLICY

    chair = login(personas.chair)
    response = chair.post(reverse("rights:settings"), {**POLICY, "form": "policy", "close_days": 61})
    assert response.status_code == 400 and "60" in response.content.decode()
    assert chair.post(reverse("rights:settings"), {**POLICY, "form": "policy"}).status_code == 302
    assert RightsPolicy.objects.get(unit=personas.chair.unit).close_days == 45
    assert chair.post(reverse("rights:settings"), {"form": "category", "name": "x"}).status_code == 403
    county = login(personas.county)
    assert county.post(reverse("rights:settings"), {"form": "category", "name": "网络侵权"}).status_code == 302
    assert CaseCategory.objects.filter(name="网络侵权").exists()


def test_detail_renders_at_every_stage_with_its_actions(personas, login, new_case, dv_category):
    client = login(personas.county)
    case = new_case(personas.chair, category=dv_category, narrative="经过", injuries="伤", current_address="址")

    def page():
        response = client.get(reverse("rights:detail", args=[case.pk]))
        assert response.status_code == 200
        return response.content.decode()

    body = page()
    assert "受理" in body and "不予受理" in body and "家暴风险评估" in body
    services.case_update_dv(by=personas.chair, case=case,
        warning_issued_on=TODAY, warning_issued_by="派出所", warning_served_on=TODAY,
        order_applied_at=timezone.now(), order_urgent=True, order_court="县法院")
    case = services.case_accept(by=personas.chair, case=Case.objects.get(pk=case.pk), on=TODAY)
    services.case_refer(by=personas.chair, case=case, agency="court", receiving_unit="县法院", referred_on=TODAY)
    body = page()
    assert "保护令裁定期限" in body and "登记查访" in body and "登记回复" in body and "申请办结" in body
    case = services.case_propose_close(by=personas.chair, case=Case.objects.get(pk=case.pk), outcome="好",
                                       satisfied=None)
    assert "批准办结" in page()
    services.visit_record(by=personas.chair, visit=case.visits.first(), done_on=TODAY, result="安全")
    case = services.case_approve_close(by=personas.county, case=Case.objects.get(pk=case.pk), closed_on=TODAY)
    assert "回访" in page()
    case = services.case_request_review(by=personas.chair, case=case, requested_on=TODAY)
    assert "复查/复核答复" in page()


def test_action_without_version_is_treated_as_stale(personas, login, new_case):
    case = new_case(personas.chair)
    response = login(personas.chair).post(reverse("rights:action", args=[case.pk, "accept"]),
                                          {"on": TODAY.isoformat(), "version": "x"})
    assert response.status_code == 409 and Case.objects.get(pk=case.pk).status == Status.REGISTERED


def test_register_book_xlsx_escapes_formulas(personas, login, new_case, tree):
    person = make_person(tree.village_a, "李梅", address='=HYPERLINK("http://x","点")', phone="+8613600000000")
    new_case(personas.chair, person, request="-土地款")
    response = login(personas.county).get(reverse("rights:register_book_xlsx"))
    sheet = load_workbook(__import__("io").BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    assert '\'=HYPERLINK("http://x","点")' in values and "'+8613600000000" in values


def test_repeats_page_masks_petitioner_with_a_confidential_case(personas, login, new_case, tree):
    secret = make_person(tree.village_a, "赵丽娟")
    first = new_case(personas.chair, secret, request="第一件")
    new_case(personas.chair, secret, confidential=True, request="第二件", same_matter_as=first)
    open_person = make_person(tree.village_a, "钱小红")
    new_case(personas.chair, open_person, same_matter_as=new_case(personas.chair, open_person))
    for user in (personas.chair, personas.county):
        page = login(user).get(reverse("rights:repeats")).content.decode()
        assert "赵丽娟" not in page and "赵某" not in page and "（保密）" in page  # not even her surname
        assert reverse("people:detail", args=[secret.pk]) not in page
        assert "钱小红" in page and reverse("people:detail", args=[open_person.pk]) in page


def test_repeat_petitioners_are_same_matter_cases_only(personas, new_case, tree):
    """Two different matters are not a repeat petition; each case marked as the same matter is one."""
    from banbiantian.rights.selectors import repeat_petitioners

    two_matters = make_person(tree.village_a, "孙美玲")
    new_case(personas.chair, two_matters, request="土地款")
    new_case(personas.chair, two_matters, request="赡养费")
    persistent = make_person(tree.village_a, "周春梅")
    first = new_case(personas.chair, persistent, received_on=TODAY - datetime.timedelta(days=40))
    new_case(personas.chair, persistent, same_matter_as=first, received_on=TODAY - datetime.timedelta(days=20))
    last = new_case(personas.chair, persistent, same_matter_as=first, received_on=TODAY - datetime.timedelta(days=2))
    new_case(personas.chair, persistent, request="另一件事")
    rows = repeat_petitioners(user=personas.chair)
    assert [(r["name"], r["n"], r["total"], r["last"]) for r in rows] == [("周春梅", 2, 4, last.received_on)]
    assert repeat_petitioners(user=personas.village_b) == []


def test_register_tells_a_village_director_only_the_count_of_cases_she_may_not_see(personas, login, woman, new_case):
    own = new_case(personas.village_a)
    other = new_case(personas.chair, request="土地款")
    secret = new_case(personas.chair, confidential=True)
    page = login(personas.village_a).get(reverse("rights:register"), {"person": woman.pk}).content.decode()
    assert own.number in page
    assert other.number not in page and secret.number not in page and "东塘镇" not in page.split("<form", 1)[0]
    assert "该人员另有1件其他单位办理的案件，是否同一事项请向乡镇妇联核实" in page
    chair_page = login(personas.chair).get(reverse("rights:register"), {"person": woman.pk}).content.decode()
    assert own.number in chair_page and other.number in chair_page and secret.number in chair_page
    assert "其他单位办理的案件" not in chair_page


def test_high_risk_case_without_warning_can_be_closed_after_a_followup_visit(personas, login, new_case, dv_category):
    from banbiantian.rights import rules

    case = new_case(personas.chair, category=dv_category)
    case = services.case_accept(by=personas.chair, case=case, on=case.received_on)
    danger = next(k for k, _label, w in rules.RISK_QUESTIONS if w == "danger")
    case = services.case_assess_risk(by=personas.chair, case=case, answers={danger: True})
    case = services.case_propose_close(by=personas.chair, case=case, outcome="已安置", satisfied=True)
    client = login(personas.chair)
    page = client.get(reverse("rights:detail", args=[case.pk])).content.decode()
    assert reverse("rights:action", args=[case.pk, "followup"]) in page
    response = client.post(reverse("rights:action", args=[case.pk, "followup"]), {
        "done_on": TODAY.isoformat(), "result": "人身安全", "version": Case.objects.get(pk=case.pk).version})
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.visits.get().done_on == TODAY
    future = client.post(reverse("rights:action", args=[case.pk, "followup"]), {
        "done_on": (TODAY + datetime.timedelta(days=1)).isoformat(), "result": "x", "version": case.version})
    # Refused (a date in the future): the form comes back with what was typed and the reason.
    assert future.status_code == 200 and "result" in future.content.decode() and case.visits.count() == 1
    assert Case.objects.get(pk=case.pk).version == case.version
    closed = services.case_approve_close(by=personas.county, case=case, closed_on=TODAY)
    assert closed.status == Status.CLOSED


def test_screening_double_submission_race_and_bounds(personas, login, tree, monkeypatch):
    from django.db.models.query import QuerySet

    from banbiantian.rights.models import DisputeScreening

    client = login(personas.village_a)
    data = {"unit": tree.village_a.pk, "month": TODAY.isoformat(), "found": 2, "resolved": 1, "escalated": 1}
    assert client.post(reverse("rights:screening"), data).status_code == 302
    # The second request passed the "already reported?" check before the first one was written.
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    again = client.post(reverse("rights:screening"), data)
    assert again.status_code == 400 and "已填报" in again.content.decode()
    monkeypatch.undo()
    assert DisputeScreening.objects.count() == 1
    huge = client.post(reverse("rights:screening"), {**data, "month": (TODAY.replace(day=1) - datetime.timedelta(
        days=1)).isoformat(), "found": 10**12})
    assert huge.status_code == 400 and DisputeScreening.objects.count() == 1
    assert "9999" in huge.content.decode()


def test_dashboard_counts_a_visited_case_whose_referral_reply_is_late(personas, login, new_case):
    from banbiantian.rights.dashboard import rights_panel

    D = datetime.timedelta
    case = new_case(personas.chair, received_on=TODAY - D(days=60))
    case = services.case_accept(by=personas.chair, case=case, on=TODAY - D(days=60))
    services.case_refer(by=personas.chair, case=case, agency="court", receiving_unit="县法院",
                        referred_on=TODAY - D(days=59))
    case = services.case_propose_close(by=personas.chair, case=case, outcome="调解", satisfied=True)
    case = services.case_approve_close(by=personas.county, case=case, closed_on=TODAY - D(days=50))
    case = services.case_return_visit(by=personas.chair, case=case, visited_on=TODAY - D(days=45), result="满意")
    case.refresh_from_db()
    assert case.due_on is None  # no stage deadline left; only the referral's reply is late
    overdue_part = login(personas.chair).get(reverse("rights:due")).content.decode().split("7日内到期", 1)[0]
    assert case.number in overdue_part
    cards = {c["label"]: c["value"] for c in rights_panel(personas.chair)["cards"]}
    assert cards["已逾期"] == 1
