"""County rights officers (县妇联权益部干部): who sees cases at the county, and the single-chair township."""

import pytest
from django.urls import reverse

from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry
from banbiantian.rights.models import Case, Status
from banbiantian.rights.selectors import case_list

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases(personas, other_chair, new_case, tree):
    east = new_case(personas.chair)
    west = new_case(other_chair, make_person(tree.village_c, "赵兰"))
    return east, west


def test_rights_officer_sees_every_township_county_staff_none(two_cases, county_rights, county_staff, personas, login):
    east, west = two_cases
    assert set(case_list(user=county_rights)) == {east, west}
    assert list(case_list(user=county_staff)) == []
    assert list(case_list(user=personas.viewer)) == []
    assert set(case_list(user=personas.chair)) == {east}  # the handling unit's own roles, not the other township
    page = login(county_rights).get(reverse("rights:home")).content.decode()
    assert east.number in page and west.number in page
    staff = login(county_staff)
    assert staff.get(reverse("rights:home")).status_code == 403
    assert staff.get(reverse("rights:detail", args=[east.pk])).status_code == 403
    # The rights officer's opening is in the access log like anyone's.
    login(county_rights).get(reverse("rights:detail", args=[west.pk]))
    assert AuditEntry.objects.filter(actor=county_rights, action=AuditEntry.Action.VIEW,
                                     object_id=str(west.pk)).exists()


def test_single_chair_township_close_is_approved_by_the_county_rights_officer(personas, county_rights, new_case,
                                                                                login):
    """The township has only its chair: she proposes the close herself, cannot approve it, and the county's
    rights officer sees the approval action and approves it through the page."""
    chair = login(personas.chair)
    case = new_case(personas.chair)
    chair.post(reverse("rights:action", args=[case.pk, "accept"]), {"on": TODAY, "version": 1})
    case.refresh_from_db()
    chair.post(reverse("rights:action", args=[case.pk, "propose_close"]),
               {"outcome": "调解和好", "satisfied": "true", "version": case.version})
    case.refresh_from_db()
    assert case.status == Status.CLOSE_PROPOSED and case.close_proposed_by == personas.chair
    assert "批准办结" not in chair.get(reverse("rights:detail", args=[case.pk])).content.decode()
    refused = chair.post(reverse("rights:action", args=[case.pk, "approve_close"]),
                         {"closed_on": TODAY, "version": case.version}, follow=True)
    assert "本人提出的办结申请不能由本人批准" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.CLOSE_PROPOSED

    officer = login(county_rights)
    assert "批准办结" in officer.get(reverse("rights:detail", args=[case.pk])).content.decode()
    done = officer.post(reverse("rights:action", args=[case.pk, "approve_close"]),
                        {"closed_on": TODAY, "version": case.version}, follow=True)
    assert "已办理：批准办结" in done.content.decode()
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_on == TODAY
    assert case.events.filter(kind="审批办结", actor=county_rights).exists()


def test_dashboard_of_county_staff_has_no_rights_panel(two_cases, county_staff, county_rights):
    from banbiantian.rights.dashboard import rights_panel

    assert rights_panel(county_staff) is None
    panel = rights_panel(county_rights)
    assert panel["cards"][0]["value"] == 2
