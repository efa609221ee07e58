"""Every rights URL × persona. A case registered by village A's director, handled by 东塘镇.

The county's rights officers and the township's chair see it; village A's director sees it because
she registered it; village B's director (same township) gets 404 — a case is not visible to every
user of the subtree; the read-only viewer gets 403 everywhere. The county's rights officer
(county_rights) sees and handles what the county admin does; county staff (care, plans) have no
rights permission at all now and get 403 like the viewer.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from banbiantian.core.testing import matrix
from banbiantian.rights import services
from banbiantian.rights.models import Visit

PERSONAS = ["county", "county_rights", "county_staff", "chair", "village_a", "village_b", "viewer"]


def row(county, chair, village_a, village_b, viewer, **other):
    """A row: the rights officer answers as the county admin and county staff as the viewer unless told."""
    return {"county": county, "county_rights": other.get("rights", county), "county_staff": viewer, "chair": chair,
            "village_a": village_a, "village_b": village_b, "viewer": viewer}


NO_VIEWER = row(200, 200, 200, 200, 403)
CASE = row(200, 200, 200, 404, 403)
CASE_POST = row(302, 302, 302, 404, 403)
OFFICERS = row(200, 200, 403, 403, 403)
OFFICERS_POST = row(302, 302, 403, 403, 403)
# Posted empty: the action's form comes back (200) with the reasons, nothing typed lost.
CASE_REFUSED = row(200, 200, 403, 404, 403)
OFFICERS_REFUSED = row(200, 200, 403, 403, 403)

MATRIX = [
    ("rights:home", None, "get", NO_VIEWER),
    ("rights:home_xlsx", None, "get", OFFICERS),
    ("rights:due_xlsx", None, "get", OFFICERS),
    ("rights:repeats_xlsx", None, "get", OFFICERS),
    ("rights:screening_xlsx", None, "get", OFFICERS),
    ("rights:register", None, "get", NO_VIEWER),
    ("rights:person_search", None, "get", NO_VIEWER),
    # The rights officer may not add people to the registry (no edit_people).
    ("rights:person_add", None, "post", row(400, 400, 400, 400, 403, rights=403)),
    ("rights:due", None, "get", NO_VIEWER),
    ("rights:repeats", None, "get", OFFICERS),
    ("rights:stats", None, "get", OFFICERS),
    ("rights:stats_xlsx", None, "get", OFFICERS),
    ("rights:register_book", None, "get", OFFICERS),
    ("rights:register_book_xlsx", None, "get", OFFICERS),
    ("rights:screening", None, "get", NO_VIEWER),
    ("rights:settings", None, "get", OFFICERS),
    ("rights:holidays", None, "get", row(200, 403, 403, 403, 403, rights=403)),  # manage_org: the county admin
    ("rights:detail", "case", "get", CASE),
    ("rights:edit", "case", "get", CASE),
    ("rights:attachment_upload", "case", "post", CASE_POST),
    ("rights:action", "case_accept", "post", CASE_REFUSED),
    ("rights:attachment", "attachment", "get", CASE),
    ("rights:referral_sheet", "referral", "get", {**OFFICERS, "village_b": 403}),
    ("rights:referral_reply", "referral", "post", OFFICERS_REFUSED),
    ("rights:visit_done", "visit", "post", CASE_POST),
    ("rights:visit_edit", "visit_done", "get", CASE),
    ("rights:mediation_edit", "mediation", "get", {**CASE, "village_a": 403, "village_b": 403}),
    # A village's screening: its director and the officers above it correct it; the next village's cannot.
    ("rights:screening_edit", "screening", "get", row(200, 200, 200, 404, 403)),
]
DATA = {
    "rights:person_search": lambda t: {"q": "王"},
    "rights:visit_done": lambda t: {"done_on": timezone.localdate(), "result": "安全"},
}


@pytest.fixture
def targets(personas, new_case):
    case = new_case(personas.village_a)
    other = new_case(personas.village_a)  # stays registered, for the accept action
    services.case_accept(by=personas.chair, case=case, on=timezone.localdate())
    referral = services.case_refer(by=personas.chair, case=case, agency="justice", receiving_unit="东塘司法所",
                                   referred_on=timezone.localdate())
    attachment = services.attachment_add(by=personas.chair, case=case,
                                         upload=SimpleUploadedFile("信.pdf", b"%PDF-1.4 letter"))
    visit = Visit.objects.create(case=case, due_on=timezone.localdate())
    done = Visit.objects.create(case=case, due_on=timezone.localdate(), done_on=timezone.localdate(), result="安全")
    mediation = services.mediation_add(by=personas.chair, case=case, held_on=timezone.localdate(), mediators="李调解",
                                       parties="双方", agreement_reached=False)
    screening = services.screening_report(by=personas.village_a, unit=personas.village_a.unit,
                                          month=timezone.localdate(), none_found=True)
    return {"case": [case.pk], "case_accept": [other.pk, "accept"], "attachment": [attachment.pk],
            "referral": [referral.pk], "visit": [visit.pk], "visit_done": [done.pk], "mediation": [mediation.pk],
            "screening": [screening.pk]}


test_permission_matrix, test_wrong_method_is_405, test_anonymous_is_sent_to_login = matrix.page_tests(
    MATRIX, personas=PERSONAS, data=DATA)


def test_other_township_chair_gets_404(targets, other_chair, login):
    client = login(other_chair)
    assert client.get(reverse("rights:detail", args=targets["case"])).status_code == 404
    assert client.get(reverse("rights:attachment", args=targets["attachment"])).status_code == 404
    assert client.post(reverse("rights:action", args=targets["case_accept"]), {"on": "2026-01-01"}).status_code == 404
