"""A recorded mediation, 查访 or monthly screening can be corrected: the page shows the new values, the audit
log keeps the old and the new, and another village's record is out of reach."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from banbiantian.core.models import AuditEntry
from banbiantian.core.testing.browser import PHONE, log_in, shot
from banbiantian.rights import services
from banbiantian.rights.models import CaseEvent, DisputeScreening, Visit

TODAY = timezone.localdate()


@pytest.fixture
def accepted(personas, new_case):
    case = new_case(personas.village_a)
    return services.case_accept(by=personas.chair, case=case, on=TODAY)


def test_mediation_correction_changes_the_record_and_logs_before_and_after(personas, accepted):
    session = services.mediation_add(by=personas.chair, case=accepted, held_on=TODAY, mediators="李调角",
                                     parties="双方", agreement_reached=False)
    services.mediation_correct(by=personas.chair, session=session, held_on=TODAY, mediators="李调解",
                               parties="王秀英、其夫", agreement_reached=True, agreement_text="每周可回娘家")
    session.refresh_from_db()
    assert (session.mediators, session.agreement_reached) == ("李调解", True)
    entry = AuditEntry.objects.filter(object_type="rights.case", object_id=str(accepted.pk)).latest("id")
    assert entry.changes["mediation"]["mediators"] == ["李调角", "李调解"]
    assert CaseEvent.objects.filter(case=accepted, kind="更正调解记录").exists()


def test_mediation_correction_names_every_bad_field_at_once(personas, accepted):
    session = services.mediation_add(by=personas.chair, case=accepted, held_on=TODAY, mediators="李", parties="双方",
                                     agreement_reached=False)
    with pytest.raises(ValidationError) as caught:
        services.mediation_correct(by=personas.chair, session=session, held_on=TODAY + datetime.timedelta(days=1),
                                   mediators=" ", parties="双方", agreement_reached=True, agreement_text="")
    assert set(caught.value.message_dict) == {"held_on", "mediators", "agreement_text"}
    session.refresh_from_db()
    assert session.mediators == "李"  # nothing half-written


def test_visit_correction_only_of_a_recorded_visit(personas, accepted):
    visit = Visit.objects.create(case=accepted, due_on=TODAY)
    with pytest.raises(ValidationError):
        services.visit_correct(by=personas.chair, visit=visit, done_on=TODAY, result="安全")
    services.visit_record(by=personas.chair, visit=visit, done_on=TODAY, result="安全")
    services.visit_correct(by=personas.chair, visit=visit, done_on=TODAY - datetime.timedelta(days=1),
                           result="安全，已搬回娘家")
    visit.refresh_from_db()
    assert (visit.done_on, visit.result) == (TODAY - datetime.timedelta(days=1), "安全，已搬回娘家")


def test_screening_correction_is_audited_and_checked(personas):
    report = services.screening_report(by=personas.village_a, unit=personas.village_a.unit, month=TODAY,
                                       none_found=False, found=3, resolved=1)
    with pytest.raises(ValidationError) as caught:
        services.screening_correct(by=personas.village_a, report=report, none_found=False, found=1, resolved=2)
    assert "resolved" in caught.value.message_dict
    services.screening_correct(by=personas.village_a, report=report, none_found=False, found=4, resolved=2,
                               escalated=1, note="补报一起")
    report.refresh_from_db()
    assert (report.found, report.resolved, report.escalated) == (4, 2, 1)
    entry = AuditEntry.objects.filter(object_type="rights.disputescreening", action=AuditEntry.Action.UPDATE).get()
    assert entry.changes["found"] == [3, 4]


def test_the_next_village_cannot_correct_a_screening(personas):
    report = services.screening_report(by=personas.village_a, unit=personas.village_a.unit, month=TODAY,
                                       none_found=True)
    with pytest.raises(ValidationError):
        services.screening_correct(by=personas.village_b, report=report, none_found=False, found=1)
    assert not DisputeScreening.objects.get(pk=report.pk).found


def test_screening_report_names_every_bad_figure(personas):
    with pytest.raises(ValidationError) as caught:
        services.screening_report(by=personas.village_a, unit=personas.village_a.unit, month=TODAY,
                                  none_found=True, found=10000, resolved=1)
    assert {"found", "none_found"} <= set(caught.value.message_dict)


@pytest.mark.browser
def test_director_corrects_her_villages_screening_on_a_phone(live_server, new_page, personas):
    services.screening_report(by=personas.village_a, unit=personas.village_a.unit, month=TODAY, none_found=True)
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("rights:screening"))
    page.get_by_role("link", name="更正").click()
    page.get_by_label("本月未发现矛盾纠纷").uncheck()
    page.get_by_label("排查发现").fill("2")
    page.get_by_label("化解").fill("1")
    page.get_by_label("说明").fill("邻里宅基地纠纷")
    shot(page, "rights_screening_correct_phone")
    page.get_by_role("button", name="保存更正").click()
    page.get_by_text("已更正。").wait_for()
    report = DisputeScreening.objects.get()
    assert (report.none_found, report.found, report.resolved, report.note) == (False, 2, 1, "邻里宅基地纠纷")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.browser
def test_chair_corrects_a_mediation_and_a_visit_from_the_case_page(live_server, new_page, personas, new_case,
                                                                  dv_category):
    accepted = services.case_accept(by=personas.chair, case=new_case(personas.village_a, category=dv_category),
                                    on=TODAY)
    services.mediation_add(by=personas.chair, case=accepted, held_on=TODAY, mediators="李调角", parties="双方",
                           agreement_reached=False)
    visit = Visit.objects.create(case=accepted, due_on=TODAY)
    services.visit_record(by=personas.chair, visit=visit, done_on=TODAY, result="安")
    page = new_page()
    log_in(page, live_server, personas.chair, reverse("rights:detail", args=[accepted.pk]))
    page.locator(f"a[href='{reverse('rights:mediation_edit', args=[accepted.mediations.get().pk])}']").click()
    page.get_by_label("调解员").fill("李调解")
    page.get_by_label("达成协议", exact=True).check()
    page.get_by_label("协议内容").fill("每周可回娘家")
    page.get_by_role("button", name="保存更正").click()
    page.get_by_text("已更正。").wait_for()
    assert page.get_by_text("每周可回娘家").is_visible()
    page.locator(f"a[href='{reverse('rights:visit_edit', args=[visit.pk])}']").click()
    page.get_by_label("查访情况").fill("安全，已搬回娘家")
    page.get_by_role("button", name="保存更正").click()
    page.get_by_text("已更正。").wait_for()
    visit.refresh_from_db()
    assert visit.result == "安全，已搬回娘家"
    assert accepted.mediations.get().agreement_text == "每周可回娘家"


def test_merging_a_duplicate_person_moves_her_cases(personas, new_case, woman):
    from banbiantian.people import services as people_services

    again = people_services.person_create(by=personas.village_a, unit=woman.unit, name=woman.name,
                                          birth_date=woman.birth_date)
    assert again.possible_duplicate  # same name and birth date in the village
    case = new_case(personas.village_a, person=again)
    people_services.person_merge(by=personas.village_a, duplicate=again, into=woman)
    case.refresh_from_db()
    assert case.petitioner == woman


def test_a_list_page_of_family_violence_cases_is_one_view_entry_naming_the_victims(personas, new_case, dv_category,
                                                                                  login, tree):
    from banbiantian.conftest import make_person

    women = [make_person(tree.village_a, f"受害人{i}") for i in range(3)]
    for woman in women:
        new_case(personas.village_a, woman, category=dv_category)
    new_case(personas.village_a)  # a marriage dispute: logged when opened, not on the list
    before = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).count()
    assert login(personas.chair).get(reverse("rights:home")).status_code == 200
    views = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).order_by("id")[before:]
    assert len(views) == 1
    assert sorted(r["name"] for r in views[0].changes["records"]) == ["受害人0", "受害人1", "受害人2"]


def test_a_large_case_list_download_goes_to_the_worker(personas, new_case, login, settings):
    settings.EXPORT_BACKGROUND_ROWS = 1
    new_case(personas.village_a)
    new_case(personas.village_a)
    response = login(personas.chair).get(reverse("rights:home_xlsx"))
    assert response.status_code == 302 and "/exports/" in response["Location"]
