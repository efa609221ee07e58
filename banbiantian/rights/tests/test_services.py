import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry
from banbiantian.rights import services
from banbiantian.rights.models import (
    Case,
    CaseEvent,
    DisputeScreening,
    ExtensionRequest,
    RightsPolicy,
    Status,
    Visit,
)

from .conftest import TODAY

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def _accepted(new_case, personas, **kw):
    case = new_case(personas.chair, **kw)
    return services.case_accept(by=personas.chair, case=case, on=case.received_on + D(days=2))


def _closed(new_case, personas, **kw):
    kw.setdefault("received_on", TODAY - D(days=90))  # closed 78 days ago: no date in the future
    case = _accepted(new_case, personas, **kw)
    case = services.case_propose_close(by=personas.chair, case=case, outcome="调解成功", satisfied=True)
    return services.case_approve_close(by=personas.county, case=case, closed_on=case.accepted_on + D(days=10))


# --- registration, numbering, deadlines -------------------------------------------------------

def test_register_numbers_per_unit_and_year(new_case, personas, tree):
    first = new_case(personas.chair)
    second = new_case(personas.village_a)  # a village director's case is handled by her township
    assert first.unit == tree.township and second.unit == tree.township
    year = first.received_on.year
    assert first.number == f"东塘妇信〔{year}〕1号" and second.number == f"东塘妇信〔{year}〕2号"
    other = new_case(personas.county, make_person(tree.village_c, "赵兰"))
    assert other.unit == tree.county and other.number == f"清溪妇信〔{year}〕1号"


def test_register_uses_the_units_own_format(new_case, personas, tree):
    RightsPolicy.objects.create(unit=tree.township, number_format="{short}维权〔{year}〕{seq}", short_name="东塘镇")
    case = new_case(personas.chair)
    assert case.number == f"东塘镇维权〔{case.year}〕1"


def test_register_sets_reply_due_15_days_and_writes_timeline_and_audit(new_case, personas):
    case = new_case(personas.chair)
    assert case.reply_due == case.received_on + D(days=15)
    assert case.status == Status.REGISTERED and case.object_due is None
    assert list(case.events.values_list("kind", flat=True)) == ["登记"]
    assert AuditEntry.objects.filter(action="create", object_type="rights.case", object_id=str(case.pk)).exists()


def test_assigned_case_has_5_working_day_objection_deadline(new_case, personas):
    friday = TODAY - D(days=(TODAY.weekday() - 4) % 7 or 7)
    case = new_case(personas.chair, channel="assigned", received_on=friday)
    assert case.object_due == friday + D(days=7)


def test_register_refuses_bad_input_and_writes_nothing(new_case, personas):
    with pytest.raises(ValidationError) as exc:
        new_case(personas.chair, request="  ", received_on=TODAY + D(days=1))
    assert set(exc.value.message_dict) == {"request", "received_on"}
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


def test_register_refuses_person_outside_scope(new_case, personas, tree):
    outsider = make_person(tree.village_a, "李四")
    with pytest.raises(ValidationError):
        new_case(personas.village_b, outsider)


def test_dv_category_flags_case(new_case, personas, dv_category):
    assert new_case(personas.chair, category=dv_category).is_dv


# --- transitions --------------------------------------------------------------------------------

def test_accept_starts_60_day_clock(new_case, personas):
    case = _accepted(new_case, personas)
    assert case.status == Status.ACCEPTED and case.replied_on == case.accepted_on
    assert case.close_due == case.accepted_on + D(days=60)
    assert case.version == 2


def test_reject_needs_reason(new_case, personas):
    case = new_case(personas.chair)
    with pytest.raises(ValidationError):
        services.case_reject(by=personas.chair, case=case, on=TODAY, reason=" ")
    case = services.case_reject(by=personas.chair, case=case, on=TODAY, reason="不属于妇联职责范围")
    assert case.status == Status.REJECTED
    with pytest.raises(ValidationError, match="只有已登记"):
        services.case_accept(by=personas.chair, case=case, on=TODAY)


def test_out_of_order_transitions_are_refused(new_case, personas):
    case = new_case(personas.chair)
    with pytest.raises(ValidationError, match="只有已受理"):
        services.case_propose_close(by=personas.chair, case=case, outcome="x", satisfied=None)
    with pytest.raises(ValidationError, match="尚未申请办结"):
        services.case_approve_close(by=personas.chair, case=case, closed_on=TODAY)
    with pytest.raises(ValidationError, match="尚未办结，不能回访"):
        services.case_return_visit(by=personas.chair, case=case, visited_on=TODAY, result="好")
    with pytest.raises(ValidationError, match="须先受理"):
        services.case_refer(by=personas.chair, case=case, agency="court", receiving_unit="县法院", referred_on=TODAY)
    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED


def test_full_lifecycle_with_timeline(new_case, personas):
    case = _accepted(new_case, personas)
    services.mediation_add(by=personas.chair, case=case, held_on=TODAY, mediators="张调解", parties="双方",
                           agreement_reached=True, agreement_text="分开居住")
    case = services.case_assign(by=personas.chair, case=Case.objects.get(pk=case.pk), assignee=personas.village_a)
    case = services.case_propose_close(by=personas.village_a, case=case, outcome="达成协议", satisfied=True)
    assert case.status == Status.CLOSE_PROPOSED and case.close_proposed_by == personas.village_a
    case = services.case_return_close(by=personas.chair, case=case, reason="协议未附")
    assert case.status == Status.ACCEPTED
    case = services.case_propose_close(by=personas.village_a, case=case, outcome="达成协议，已附", satisfied=True)
    case = services.case_approve_close(by=personas.chair, case=case, closed_on=TODAY)
    assert case.status == Status.CLOSED and case.return_visit_due == TODAY + D(days=30)
    case = services.case_return_visit(by=personas.village_a, case=case, visited_on=TODAY, result="家庭和睦")
    assert case.status == Status.VISITED
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["登记", "受理", "调解", "交村跟进", "申请办结", "退回办结申请", "申请办结", "审批办结", "回访"]
    assert all(e.actor_id for e in case.events.all())


def test_village_director_cannot_accept_or_approve(new_case, personas):
    case = new_case(personas.village_a)
    with pytest.raises(PermissionDenied):
        services.case_accept(by=personas.village_a, case=case, on=TODAY)
    case = services.case_accept(by=personas.chair, case=case, on=TODAY)
    case = services.case_propose_close(by=personas.village_a, case=case, outcome="好", satisfied=True)
    with pytest.raises(PermissionDenied):
        services.case_approve_close(by=personas.village_a, case=case, closed_on=TODAY)


def test_outsider_director_cannot_touch_case(new_case, personas):
    case = _accepted(new_case, personas)
    with pytest.raises(PermissionDenied):
        services.case_propose_close(by=personas.village_b, case=case, outcome="x", satisfied=None)


# --- extension and review ------------------------------------------------------------------------

def test_extension_is_requested_once_then_approved_by_another_with_the_notice(new_case, personas, township_staff):
    case = _accepted(new_case, personas)
    due = case.close_due
    with pytest.raises(ValidationError, match="1到30天"):
        services.extension_request(by=township_staff, case=case, days=31, reason="复杂")
    with pytest.raises(ValidationError, match="延期须填写理由"):
        services.extension_request(by=township_staff, case=case, days=10, reason=" ")
    with pytest.raises(PermissionDenied):
        services.extension_request(by=personas.village_a, case=case, days=10, reason="复杂")
    request = services.extension_request(by=township_staff, case=case, days=30, reason="需调查取证")
    case = Case.objects.get(pk=case.pk)
    assert case.close_due == due and case.extended_days == 0  # nothing moves before the approval
    with pytest.raises(ValidationError, match="只能申请延期一次"):
        services.extension_request(by=personas.chair, case=case, days=5, reason="再延")
    # The requester cannot approve her own request, even with the permission; a village director has none.
    with pytest.raises(PermissionDenied):
        services.extension_decide(by=personas.village_a, case=case, approve=True, reason="同意", notice_on=TODAY,
                                  notice_how="电话")
    with pytest.raises(ValidationError, match="告知当事人"):
        services.extension_decide(by=personas.chair, case=case, approve=True, reason="同意", notice_on=None,
                                  notice_how="")
    with pytest.raises(ValidationError, match="审批意见"):
        services.extension_decide(by=personas.chair, case=case, approve=True, reason="", notice_on=TODAY,
                                  notice_how="电话")
    assert Case.objects.get(pk=case.pk).close_due == due
    request = services.extension_decide(by=personas.chair, case=case, approve=True, reason="情况复杂，同意",
                                        notice_on=TODAY, notice_how="电话")
    case = Case.objects.get(pk=case.pk)
    assert case.close_due == due + D(days=30) and case.extended_days == 30 and case.extension_notice_on == TODAY
    assert case.due_on == case.close_due
    assert (request.decision, request.decided_by, request.notice_how) == ("approved", personas.chair, "电话")
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["申请延期", "延期审批"]
    assert "电话告知当事人" in case.events.last().note
    assert AuditEntry.objects.filter(object_type="rights.case", object_id=str(case.pk),
                                     changes__extension="approved").exists()
    with pytest.raises(ValidationError, match="没有待审批的延期申请"):
        services.extension_decide(by=personas.county, case=case, approve=False, reason="x")


def test_a_case_already_extended_without_a_request_row_is_not_extended_again(new_case, personas, township_staff):
    case = _accepted(new_case, personas)
    Case.objects.filter(pk=case.pk).update(extended_days=30, close_due=case.close_due + D(days=30))
    with pytest.raises(ValidationError, match="只能申请延期一次"):
        services.extension_request(by=township_staff, case=Case.objects.get(pk=case.pk), days=10, reason="再延")
    assert not ExtensionRequest.objects.filter(case=case).exists()


def test_an_approver_cannot_approve_her_own_extension_request_and_a_refusal_keeps_the_deadline(new_case, personas):
    case = _accepted(new_case, personas)
    due = case.close_due
    services.extension_request(by=personas.chair, case=case, days=10, reason="复杂")
    with pytest.raises(ValidationError, match="申请人以外"):
        services.extension_decide(by=personas.chair, case=case, approve=True, reason="同意", notice_on=TODAY,
                                  notice_how="电话")
    request = services.extension_decide(by=personas.county, case=case, approve=False, reason="证据已齐，应按期办结")
    case = Case.objects.get(pk=case.pk)
    assert request.decision == "refused" and case.close_due == due and case.extended_days == 0
    assert "不予批准延期" in case.events.last().note
    with pytest.raises(ValidationError, match="只能申请延期一次"):
        services.extension_request(by=personas.chair, case=case, days=5, reason="再申请")


def test_extension_pages_request_then_approve(new_case, personas, township_staff, login):
    from django.urls import reverse

    case = _accepted(new_case, personas)
    due = case.close_due
    url = reverse("rights:detail", args=[case.pk])
    page = login(township_staff).get(url).content.decode()
    assert "申请延期（一次，最多30日）" in page and "延期审批" not in page
    login(township_staff).post(reverse("rights:action", args=[case.pk, "extend"]),
                      {"days": 20, "reason": "等待鉴定", "version": case.version})
    case = Case.objects.get(pk=case.pk)
    chair = login(personas.chair)
    page = chair.get(url).content.decode()
    decide = reverse("rights:action", args=[case.pk, "extend_decide"])
    assert "待审批" in page and "申请延期（一次" not in page and f'action="{decide}"' in page
    bad = chair.post(reverse("rights:action", args=[case.pk, "extend_decide"]),
                     {"approve": "yes", "reason": "同意", "notice_on": "", "notice_how": "", "version": case.version},
                     follow=True).content.decode()
    assert "批准延期须告知当事人" in bad and Case.objects.get(pk=case.pk).close_due == due
    chair.post(reverse("rights:action", args=[case.pk, "extend_decide"]),
               {"approve": "yes", "reason": "同意", "notice_on": TODAY, "notice_how": "书面告知书",
                "version": case.version})
    case = Case.objects.get(pk=case.pk)
    assert case.close_due == due + D(days=20)
    assert "已批准" in chair.get(url).content.decode()


def test_policy_changes_deadlines(new_case, personas, tree):
    RightsPolicy.objects.create(unit=tree.county, reply_days=10, close_days=45, extension_max_days=15)
    case = new_case(personas.chair)
    assert case.reply_due == case.received_on + D(days=10)
    case = services.case_accept(by=personas.chair, case=case, on=case.received_on)
    assert case.close_due == case.received_on + D(days=45)
    with pytest.raises(ValidationError, match="1到15天"):
        services.extension_request(by=personas.chair, case=case, days=20, reason="x")


def test_review_then_re_review_is_final(new_case, personas):
    case = _closed(new_case, personas)
    late = case.closed_on + D(days=31)
    with pytest.raises(ValidationError, match="已超过申请期限"):
        services.case_request_review(by=personas.chair, case=case, requested_on=late)
    case = services.case_request_review(by=personas.chair, case=case, requested_on=case.closed_on + D(days=30))
    assert case.status == Status.REVIEW and case.review_due == case.closed_on + D(days=60)
    case = services.case_answer_review(by=personas.chair, case=case, answered_on=case.closed_on + D(days=40),
                                       outcome="维持")
    case = services.case_request_review(by=personas.chair, case=case, requested_on=case.closed_on + D(days=45))
    assert case.review_level == 2
    case = services.case_answer_review(by=personas.chair, case=case, answered_on=case.closed_on + D(days=50),
                                       outcome="复核维持")
    with pytest.raises(ValidationError, match="最终意见"):
        services.case_request_review(by=personas.chair, case=case, requested_on=case.closed_on + D(days=51))


# --- repeat petitions ----------------------------------------------------------------------------

def test_same_matter_pending_is_not_accepted_again(new_case, personas):
    first = _accepted(new_case, personas)
    repeat = new_case(personas.chair, same_matter_as=first)
    assert repeat.is_repeat and repeat.repeat_of == first
    with pytest.raises(ValidationError, match="正在办理中"):
        services.case_accept(by=personas.chair, case=repeat, on=TODAY)


def test_same_matter_after_final_re_review_is_not_accepted(new_case, personas):
    first = _closed(new_case, personas)
    Case.objects.filter(pk=first.pk).update(review_level=2)
    repeat = new_case(personas.chair, same_matter_as=first)
    with pytest.raises(ValidationError, match="复核终结"):
        services.case_accept(by=personas.chair, case=repeat, on=TODAY)


def test_same_matter_final_after_re_review_is_not_accepted_through_a_chain_of_repeats(new_case, personas):
    """A → B (rejected) → C: C is still the matter A closed by 复核, however long the chain."""
    first = _closed(new_case, personas)
    Case.objects.filter(pk=first.pk).update(review_level=2)
    second = new_case(personas.chair, same_matter_as=first)
    second = services.case_reject(by=personas.chair, case=second, on=TODAY, reason="复核终结")
    third = new_case(personas.chair, same_matter_as=second)
    with pytest.raises(ValidationError, match="复核终结"):
        services.case_accept(by=personas.chair, case=third, on=TODAY)
    assert Case.objects.get(pk=third.pk).status == Status.REGISTERED


def test_same_matter_in_hand_in_another_branch_is_not_accepted_again(new_case, personas):
    """Two repeats of one closed case: while one is in hand, the other is not accepted."""
    first = _closed(new_case, personas)
    in_hand = new_case(personas.chair, same_matter_as=first)
    in_hand = services.case_accept(by=personas.chair, case=in_hand, on=TODAY)
    other = new_case(personas.chair, same_matter_as=first)
    with pytest.raises(ValidationError, match=f"{in_hand.number} 正在办理中"):
        services.case_accept(by=personas.chair, case=other, on=TODAY)


def test_same_matter_must_be_the_same_persons_case(new_case, personas, tree):
    other = new_case(personas.chair, make_person(tree.village_a, "别人"))
    with pytest.raises(ValidationError):
        new_case(personas.chair, same_matter_as=other)


# --- domestic violence -----------------------------------------------------------------------------

def test_risk_assessment_sets_level(new_case, personas, dv_category):
    case = new_case(personas.village_a, category=dv_category)
    case = services.case_assess_risk(by=personas.village_a, case=case, answers={"weapon": True})
    assert case.risk_level == "danger" and case.risk_answers["weapon"] is True


def test_minor_victim_needs_mandatory_report_before_handling(new_case, personas, tree, dv_category):
    child = make_person(tree.village_a, "小红", birth=TODAY.replace(year=TODAY.year - 12))
    case = new_case(personas.chair, child, category=dv_category)
    assert case.needs_mandatory_report
    with pytest.raises(ValidationError) as exc:
        services.case_accept(by=personas.chair, case=case, on=TODAY)
    assert "mandatory_report_to" in exc.value.message_dict
    with pytest.raises(ValidationError):  # both or neither
        services.case_update_dv(by=personas.chair, case=case, mandatory_report_to="东塘派出所")
    services.case_update_dv(by=personas.chair, case=case,
        mandatory_report_to="东塘派出所", mandatory_report_at=timezone.now())
    case = services.case_accept(by=personas.chair, case=Case.objects.get(pk=case.pk), on=TODAY)
    assert case.status == Status.ACCEPTED


def test_adult_lacking_capacity_needs_mandatory_report(new_case, personas, dv_category):
    case = new_case(personas.chair, category=dv_category, lacks_capacity=True)
    with pytest.raises(ValidationError):
        services.case_accept(by=personas.chair, case=case, on=TODAY)


def test_warning_served_starts_visits_and_order_limits(new_case, personas, dv_category):
    case = new_case(personas.chair, category=dv_category)
    served = TODAY - D(days=10)
    case = services.case_update_dv(by=personas.chair, case=case,
        warning_issued_on=served - D(days=1), warning_issued_by="东塘派出所", warning_served_on=served)
    assert list(case.visits.values_list("due_on", flat=True)) == [served + D(days=d) for d in (7, 30, 90)]
    # saving again does not add more visits
    services.case_update_dv(by=personas.chair, case=case, shelter_referral=True)
    assert Visit.objects.filter(case=case).count() == 3
    applied = timezone.now() - D(days=2)
    case = Case.objects.get(pk=case.pk)
    services.case_update_dv(by=personas.chair, case=case, order_applied_at=applied, order_urgent=True)
    case = Case.objects.get(pk=case.pk)
    assert case.order_ruling_due == applied + D(hours=24)
    granted = timezone.localtime(applied).date()
    with pytest.raises(ValidationError, match="六个月"):
        services.case_update_dv(by=personas.chair, case=case,
            order_granted_on=granted, order_expires_on=granted + D(days=200))
    case = Case.objects.get(pk=case.pk)
    case = services.case_update_dv(by=personas.chair, case=case,
        order_granted_on=granted, order_expires_on=granted + D(days=180))
    case.order_urgent = False
    assert case.order_ruling_due == applied + D(hours=72)


def test_high_risk_dv_cannot_close_without_visit(new_case, personas, dv_category):
    case = _accepted(new_case, personas, category=dv_category)
    case = services.case_assess_risk(by=personas.chair, case=case, answers={"injured": True, "fear": True})
    assert case.risk_level == "high"
    case = services.case_propose_close(by=personas.chair, case=case, outcome="已处置", satisfied=True)
    with pytest.raises(ValidationError, match="回访"):
        services.case_approve_close(by=personas.county, case=case, closed_on=TODAY)
    visit = Visit.objects.create(case=case, due_on=TODAY)
    services.visit_record(by=personas.chair, visit=visit, done_on=TODAY, result="安全")
    case = services.case_approve_close(by=personas.county, case=Case.objects.get(pk=case.pk), closed_on=TODAY)
    assert case.status == Status.CLOSED


# --- consent and referral ---------------------------------------------------------------------------

def test_referral_without_consent_needs_permission_and_reason(new_case, personas, township_staff):
    case = _accepted(new_case, personas, consent_share=False)
    with pytest.raises(ValidationError, match="没有未经同意转办的权限"):
        services.case_refer(by=personas.chair, case=case, agency="court", receiving_unit="县法院", referred_on=TODAY,
                            without_consent_reason="紧急")
    with pytest.raises(ValidationError):
        services.case_refer(by=personas.county, case=case, agency="court", receiving_unit="县法院", referred_on=TODAY)
    referral = services.case_refer(by=personas.county, case=case, agency="court", receiving_unit="县法院",
                                   referred_on=TODAY, without_consent_reason="人身危险紧急")
    assert referral.without_consent and referral.reply_due == TODAY + D(days=15)
    entry = AuditEntry.objects.filter(object_id=str(case.pk), changes__stage="转办").get()
    assert entry.changes["without_consent"] is True and entry.changes["reason"] == "人身危险紧急"


def test_referral_with_consent_and_reply(new_case, personas):
    case = _accepted(new_case, personas)
    referral = services.case_refer(by=personas.chair, case=case, agency="justice", receiving_unit="东塘司法所",
                                   referred_on=TODAY)
    assert not referral.without_consent
    with pytest.raises(ValidationError):
        services.referral_reply(by=personas.chair, referral=referral, replied_on=TODAY - D(days=1), reply="收到")
    services.referral_reply(by=personas.chair, referral=referral, replied_on=TODAY, reply="已调解")
    with pytest.raises(ValidationError):
        services.referral_reply(by=personas.chair, referral=referral, replied_on=TODAY, reply="again")


# --- concurrency ------------------------------------------------------------------------------------

def test_second_save_is_refused_with_the_difference(new_case, personas, category):
    case = new_case(personas.chair)
    mine = Case.objects.get(pk=case.pk)
    theirs = Case.objects.get(pk=case.pk)
    services.case_update(by=personas.chair, case=theirs, request="他人的修改", version=theirs.version)
    with pytest.raises(services.CaseConflict) as exc:
        services.case_update(by=personas.county, case=mine, request="我的修改", version=mine.version)
    assert ("诉求", "他人的修改", "我的修改") in exc.value.differences
    assert Case.objects.get(pk=case.pk).request == "他人的修改"


def test_stage_action_on_stale_version_is_refused(new_case, personas):
    case = new_case(personas.chair)
    stale = case.version
    services.case_accept(by=personas.chair, case=case, on=TODAY, version=stale)
    with pytest.raises(services.CaseConflict) as exc:
        services.case_reject(by=personas.county, case=Case.objects.get(pk=case.pk), on=TODAY, reason="x",
                             version=stale)
    assert exc.value.differences[0][1] == "办理中"


# --- encryption at rest -------------------------------------------------------------------------------

def test_sensitive_fields_are_encrypted_at_rest(new_case, personas):
    case = new_case(personas.chair, narrative="丈夫多次殴打", injuries="左臂骨折", current_address="县城某小区5栋")
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative, injuries, current_address FROM rights_case WHERE id = %s", [case.pk])
        raw = cursor.fetchone()
    assert all(value.startswith("fernet:") for value in raw)
    assert not any(secret in "".join(raw) for secret in ("殴打", "骨折", "小区"))
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.narrative, fresh.injuries, fresh.current_address) == ("丈夫多次殴打", "左臂骨折", "县城某小区5栋")


def test_key_rotation_still_decrypts(new_case, personas, settings):
    from cryptography.fernet import Fernet

    case = new_case(personas.chair, narrative="旧密钥加密")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.FIELD_ENCRYPTION_KEYS]
    assert Case.objects.get(pk=case.pk).narrative == "旧密钥加密"
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError):
        Case.objects.get(pk=case.pk)


# --- attachments ---------------------------------------------------------------------------------------

def test_attachment_type_and_size_checks(new_case, personas, settings):
    case = new_case(personas.chair)
    with pytest.raises(ValidationError, match="只能上传"):
        services.attachment_add(by=personas.chair, case=case, upload=SimpleUploadedFile("a.exe", b"MZ...."))
    with pytest.raises(ValidationError, match="不符"):
        services.attachment_add(by=personas.chair, case=case, upload=SimpleUploadedFile("a.pdf", b"not a pdf"))
    settings.MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError, match="不能超过 1 MB"):
        services.attachment_add(by=personas.chair, case=case,
                                upload=SimpleUploadedFile("a.pdf", b"%PDF" + b"0" * (1024 * 1024)))
    att = services.attachment_add(by=personas.chair, case=case, upload=SimpleUploadedFile("信.pdf", b"%PDF-1.4 x"))
    assert att.name == "信.pdf" and att.size == 10 and "信" not in att.file.name


# --- screening ------------------------------------------------------------------------------------------

def test_screening_none_found_is_an_answer(personas, tree):
    month = TODAY.replace(day=1)
    with pytest.raises(ValidationError) as exc:
        services.screening_report(by=personas.village_a, unit=tree.village_a, month=TODAY, none_found=False)
    assert "found" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.screening_report(by=personas.village_a, unit=tree.village_a, month=TODAY, none_found=True, found=1)
    report = services.screening_report(by=personas.village_a, unit=tree.village_a, month=TODAY, none_found=True)
    assert report.month == month
    with pytest.raises(ValidationError, match="已填报"):
        services.screening_report(by=personas.village_a, unit=tree.village_a, month=TODAY, none_found=True)
    with pytest.raises(ValidationError):
        services.screening_report(by=personas.village_a, unit=tree.village_b, month=TODAY, none_found=True)
    with pytest.raises(ValidationError):
        services.screening_report(by=personas.chair, unit=tree.village_b, month=TODAY, found=2, resolved=2,
                                  escalated=1, none_found=False)
    assert DisputeScreening.objects.count() == 1


# --- policy and categories ------------------------------------------------------------------------

POLICY = {"number_format": "{short}妇信〔{year}〕{seq}号", "short_name": "", "reply_days": 10, "object_workdays": 5,
          "close_days": 45, "extension_max_days": 30, "review_request_days": 30, "review_answer_days": 30,
          "referral_reply_days": 10, "return_visit_days": 20, "dv_visit_offsets": "3，15"}


def test_policy_may_be_stricter_never_looser(personas, tree, new_case):
    with pytest.raises(ValidationError) as exc:
        services.policy_save(by=personas.chair, unit=tree.township, **{**POLICY, "close_days": 90,
                                                                          "number_format": "{year}"})
    assert set(exc.value.message_dict) == {"close_days", "number_format"}
    policy = services.policy_save(by=personas.chair, unit=tree.township, **POLICY)
    assert policy.visit_offsets() == [3, 15]
    case = new_case(personas.chair)
    assert case.reply_due == case.received_on + D(days=10)
    with pytest.raises(PermissionDenied):
        services.policy_save(by=personas.village_a, unit=tree.township, **POLICY)
    with pytest.raises(PermissionDenied):
        services.policy_save(by=personas.chair, unit=tree.other_township, **POLICY)


def test_county_extends_categories(personas):
    from banbiantian.rights.models import CaseCategory

    category = services.category_add(by=personas.county, name="网络侵权")
    assert CaseCategory.objects.filter(name="网络侵权", active=True).exists()
    with pytest.raises(ValidationError):
        services.category_add(by=personas.county, name="网络侵权")
    with pytest.raises(PermissionDenied):
        services.category_add(by=personas.chair, name="别的")
    services.category_set_active(by=personas.county, category=category, active=False)
    assert not CaseCategory.objects.get(pk=category.pk).active


def test_objection_to_assigned_case_within_5_working_days(new_case, personas):
    plain = new_case(personas.chair)
    with pytest.raises(ValidationError, match="上级交办"):
        services.case_object(by=personas.chair, case=plain, on=TODAY, reason="x")
    case = new_case(personas.chair, channel="assigned", received_on=TODAY - D(days=14))
    with pytest.raises(ValidationError, match="已超过交办异议期限"):
        services.case_object(by=personas.chair, case=case, on=TODAY, reason="不属于妇联职责")
    case = new_case(personas.chair, channel="assigned", received_on=TODAY)
    case = services.case_object(by=personas.chair, case=case, on=TODAY, reason="不属于妇联职责")
    assert case.status == Status.REJECTED and case.reject_reason.startswith("交办异议")


def test_correcting_the_received_date_moves_the_reply_deadline_until_accepted(new_case, personas):
    case = new_case(personas.chair)
    earlier = case.received_on - D(days=5)
    case = services.case_update(by=personas.chair, case=case, received_on=earlier, version=case.version)
    assert case.reply_due == earlier + D(days=15)
    case = services.case_accept(by=personas.chair, case=case, on=TODAY)
    with pytest.raises(ValidationError):
        services.case_update(by=personas.chair, case=case, received_on=earlier - D(days=1),
                             version=case.version)


def test_mediation_add_does_not_write_back_a_stale_case(new_case, personas):
    case = _accepted(new_case, personas)
    stale = Case.objects.get(pk=case.pk)
    services.case_update(by=personas.chair, case=Case.objects.get(pk=case.pk), respondent="李某",
                         version=case.version)
    services.mediation_add(by=personas.chair, case=stale, held_on=TODAY, mediators="张调解", parties="双方",
                           agreement_reached=False)
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.respondent == "李某" and fresh.handling == "mediation" and fresh.version == case.version + 2


def test_referral_reply_locks_the_case(new_case, personas, dv_category):
    if connection.vendor != "postgresql":
        pytest.skip("SELECT … FOR UPDATE is only emitted on PostgreSQL")
    from django.test.utils import CaptureQueriesContext

    case = _accepted(new_case, personas, category=dv_category)
    referral = services.case_refer(by=personas.chair, case=case, agency="court", receiving_unit="县法院",
                                   referred_on=TODAY)
    with CaptureQueriesContext(connection) as ctx:
        services.referral_reply(by=personas.chair, referral=referral, replied_on=TODAY, reply="已立案")
    assert any('FROM "rights_case"' in q["sql"] and "FOR UPDATE" in q["sql"] for q in ctx.captured_queries)


def test_the_proposer_cannot_approve_her_own_close(new_case, personas, login):
    case = _accepted(new_case, personas)
    case = services.case_propose_close(by=personas.chair, case=case, outcome="调解成功", satisfied=True)
    with pytest.raises(ValidationError, match="本人提出的办结申请不能由本人批准"):
        services.case_approve_close(by=personas.chair, case=case, closed_on=TODAY)
    assert Case.objects.get(pk=case.pk).status == Status.CLOSE_PROPOSED
    from django.urls import reverse

    assert "批准办结" not in login(personas.chair).get(reverse("rights:detail", args=[case.pk])).content.decode()
    assert services.case_approve_close(by=personas.county, case=case, closed_on=TODAY).status == Status.CLOSED


def test_answering_a_review_after_the_return_visit_goes_back_to_visited(new_case, personas):
    case = _closed(new_case, personas)
    case = services.case_return_visit(by=personas.chair, case=case, visited_on=case.closed_on + D(days=5),
                                      result="满意")
    case = services.case_request_review(by=personas.chair, case=case, requested_on=case.closed_on + D(days=10))
    with pytest.raises(ValidationError, match="答复日期不能早于申请日期"):
        services.case_answer_review(by=personas.chair, case=case, answered_on=case.closed_on + D(days=9),
                                    outcome="维持")
    case = services.case_answer_review(by=personas.chair, case=case, answered_on=case.closed_on + D(days=20),
                                       outcome="维持")
    assert case.status == Status.VISITED and case.return_visit_on is not None


def test_dates_in_the_future_are_refused(new_case, personas):
    tomorrow = TODAY + D(days=1)
    case = new_case(personas.chair)
    with pytest.raises(ValidationError, match="受理日期不能晚于今天"):
        services.case_accept(by=personas.chair, case=case, on=tomorrow)
    case = services.case_accept(by=personas.chair, case=case, on=TODAY)
    case = services.case_propose_close(by=personas.chair, case=case, outcome="好", satisfied=True)
    with pytest.raises(ValidationError, match="办结日期不能晚于今天"):
        services.case_approve_close(by=personas.county, case=case, closed_on=tomorrow)
    case = services.case_approve_close(by=personas.county, case=case, closed_on=TODAY)
    with pytest.raises(ValidationError, match="回访日期不能晚于今天"):
        services.case_return_visit(by=personas.chair, case=case, visited_on=tomorrow, result="好")
    with pytest.raises(ValidationError, match="申请日期不能晚于今天"):
        services.case_request_review(by=personas.chair, case=case, requested_on=tomorrow)
    case = services.case_request_review(by=personas.chair, case=case, requested_on=TODAY)
    with pytest.raises(ValidationError, match="答复日期不能晚于今天"):
        services.case_answer_review(by=personas.chair, case=case, answered_on=tomorrow, outcome="维持")
    assert Case.objects.get(pk=case.pk).status == Status.REVIEW


@pytest.mark.parametrize("fmt, message", [
    ("{short.x}〔{year}〕{seq}", "只能使用"),
    ("{short[0]}〔{year}〕{seq}", "只能使用"),
    ("{unit}〔{year}〕{seq}", "只能使用"),
    ("{short}〔{year}〕{seq", "只能使用"),
    ("{short}妇信{seq}号", "必须包含 {year}"),
])
def test_policy_refuses_unusable_number_formats(personas, tree, fmt, message):
    with pytest.raises(ValidationError) as exc:
        services.policy_save(by=personas.chair, unit=tree.township, **{**POLICY, "number_format": fmt})
    assert message in exc.value.message_dict["number_format"][0]
    assert services.policy_save(by=personas.chair, unit=tree.township,
                                **{**POLICY, "number_format": "{short}〔{year}〕{seq:03d}号"}).pk
