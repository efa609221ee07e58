"""Who must approve a closing is said on the case and the case is on that person's 待办; a case handed to a
village (交村跟进) gives its director a follow-up to record, on her 待办 until she does."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from banbiantian.core.dashboard import todo
from banbiantian.core.models import AuditEntry, User
from banbiantian.core.roles import Role
from banbiantian.rights import selectors, services
from banbiantian.rights.models import VillageFollowUp

TODAY = timezone.localdate()


def _texts(user):
    return [item.text for item in todo(user)]


@pytest.fixture
def proposed(new_case, personas):
    """A case of 东塘镇 accepted and proposed for closing by its chair, who works alone."""
    case = new_case(personas.chair)
    case = services.case_accept(by=personas.chair, case=case, on=TODAY - datetime.timedelta(days=2))
    return services.case_propose_close(by=personas.chair, case=case, outcome="已调解", satisfied=True)


def test_a_chair_alone_is_told_the_county_must_approve_and_the_county_has_it_to_do(proposed, personas,
                                                                                 county_rights, login):
    approvers = selectors.close_approvers(proposed, asked_by=personas.chair.pk)
    assert {u.username for u in approvers} == {personas.county.username, county_rights.username}
    page = login(personas.chair).get(reverse("rights:detail", args=[proposed.pk])).content.decode()
    box = page[page.index('id="close-approvers"'):]
    box = box[:box.index("</div>")]
    assert "须由申请人以外的一人批准" in box and county_rights.username in box and "县妇联权益部干部" in box
    assert "已列入其待办" in box
    item = next(i for i in todo(county_rights) if i.text == "待您审批办结的案件")
    assert item.url == reverse("rights:detail", args=[proposed.pk]) and item.count == 1
    assert "待您审批办结的案件" not in _texts(personas.chair)  # she asked: not hers to approve
    assert "待您审批办结的案件" in login(county_rights).get(reverse("dashboard")).content.decode()


def test_a_second_chair_of_the_township_approves_before_the_county(proposed, personas, county_rights, tree):
    second = User.objects.create_user("second_chair", unit=tree.township, role=Role.TOWNSHIP_CHAIR, full_name="赵副主席")
    assert [u.username for u in selectors.close_approvers(proposed, asked_by=personas.chair.pk)] == ["second_chair"]
    assert "待您审批办结的案件" in _texts(second)
    assert "待您审批办结的案件" not in _texts(county_rights)
    assert "待您审批办结的案件" not in _texts(personas.other_chair)  # another township's chair: never
    services.case_approve_close(by=second, case=proposed, closed_on=TODAY)
    assert "待您审批办结的案件" not in _texts(second)


@pytest.fixture
def handed(new_case, personas):
    case = new_case(personas.chair)
    case = services.case_accept(by=personas.chair, case=case, on=TODAY - datetime.timedelta(days=2))
    return services.case_assign(by=personas.chair, case=case, assignee=personas.village_a)


def test_the_village_director_records_her_follow_up_and_it_leaves_her_todo(handed, personas, login):
    item = next(i for i in todo(personas.village_a) if i.text.startswith("交村跟进"))
    assert handed.number in item.text and item.url.endswith("#village-followups")
    assert not [i for i in todo(personas.village_b) if i.text.startswith("交村跟进")]
    client = login(personas.village_a)
    page = client.get(reverse("rights:detail", args=[handed.pk])).content.decode()
    assert "登记交村跟进情况" in page and "尚未登记跟进情况" in page
    page = client.post(reverse("rights:action", args=[handed.pk, "village_followup"]),
                       {"version": handed.version, "done_on": TODAY.isoformat(), "result": "上门走访，双方已和好"},
                       follow=True).content.decode()
    assert "已办理：登记交村跟进情况" in page and "上门走访，双方已和好" in page
    followup = VillageFollowUp.objects.get(case=handed)
    assert (followup.by, followup.done_on) == (personas.village_a, TODAY)
    assert AuditEntry.objects.filter(object_id=str(handed.pk), changes__stage="交村跟进情况").exists()
    assert not [i for i in todo(personas.village_a) if i.text.startswith("交村跟进")]


def test_a_follow_up_needs_what_was_done_a_sensible_date_and_the_right_person(handed, personas, new_case):
    handed.refresh_from_db()
    with pytest.raises(ValidationError, match="请填写跟进情况"):
        services.case_village_followup(by=personas.village_a, case=handed, done_on=TODAY, result=" ")
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.case_village_followup(by=personas.village_a, case=handed, done_on=TODAY + datetime.timedelta(days=1),
                                       result="走访")
    with pytest.raises(PermissionDenied):
        services.case_village_followup(by=personas.village_b, case=handed, done_on=TODAY, result="走访")
    other = new_case(personas.chair)
    with pytest.raises(ValidationError, match="没有交村跟进"):
        services.case_village_followup(by=personas.chair, case=other, done_on=TODAY, result="走访")
    assert not VillageFollowUp.objects.exists()


def test_a_village_owes_this_months_screening_once_live(personas, tree, login):
    from banbiantian.core.models import OrgUnit

    month = TODAY.replace(day=1)
    assert [i.text for i in todo(personas.village_a) if "矛盾纠纷排查" in i.text] == [
        f"填报本月矛盾纠纷排查（{month:%Y-%m}）"]
    assert not [i for i in todo(personas.chair) if "矛盾纠纷排查" in i.text]  # villages file it
    services.screening_report(by=personas.village_a, unit=tree.village_a, month=month, none_found=True)
    assert not [i for i in todo(personas.village_a) if "矛盾纠纷排查" in i.text]
    # A village going live next month owes nothing this month, and is not listed as missing.
    OrgUnit.objects.filter(pk=tree.village_b.pk).update(live_from=month + datetime.timedelta(days=40))
    personas.village_b.unit.refresh_from_db()
    assert not [i for i in todo(personas.village_b) if "矛盾纠纷排查" in i.text]
    _reports, missing = selectors.screening_status(user=personas.chair, month=month)
    assert tree.village_b not in missing


def test_a_pending_extension_says_who_decides(new_case, personas, county_rights, login):
    case = services.case_accept(by=personas.chair, case=new_case(personas.chair), on=TODAY - datetime.timedelta(days=2))
    services.extension_request(by=personas.chair, case=case, days=20, reason="需等待司法鉴定结果")
    page = login(personas.chair).get(reverse("rights:detail", args=[case.pk])).content.decode()
    box = page[page.index('id="extension-approvers"'):]
    assert county_rights.username in box[:box.index("</span>")]
    assert "待您审批的延期申请" in _texts(county_rights)
