"""Every care URL × every persona: page, 403 (role) or 404 (not hers).

Health data (screening results, relief) needs view_health_data: the village directors and the
viewer get 403. A new view must be added here: core's `test_matrix_covers_every_url` fails otherwise.
"""

import pytest

from banbiantian.core.testing import matrix

OK = dict.fromkeys(matrix.PERSONAS, 200)
EDIT = {"county": 200, "chair": 200, "village_a": 200, "village_b": 200, "viewer": 403}
HEALTH = {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}
REDIRECT_A = {"county": 302, "chair": 302, "village_a": 302, "village_b": 404, "viewer": 403}
HEALTH_POST = {"county": 302, "chair": 302, "village_a": 403, "village_b": 403, "viewer": 403}
# Posted with what the form refuses: the form comes back (200) with everything typed and the reasons.
SHOWN_A = {**REDIRECT_A, "county": 200, "chair": 200, "village_a": 200}
HEALTH_SHOWN = {**HEALTH_POST, "county": 200, "chair": 200}
# Downloads need export_personal_data (county and township officers; not village directors, not the viewer).
EXPORT = {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}
# Children's records (Spring Bud girls, the census's children, a minor's page) need view_children: not the viewer.
CHILDREN = {**OK, "viewer": 403}
TOWNSHIP_EDIT = {"county": 200, "chair": 200, "village_a": 404, "village_b": 404, "viewer": 403}

MATRIX = [
    ("care:home", None, "get", OK),
    ("care:programme_create", None, "get", EDIT),
    # The township's programme: villages below see it (they carry it out) but cannot edit it.
    ("care:programme", "programme", "get", OK),
    ("care:programme_edit", "programme", "get", TOWNSHIP_EDIT),
    ("care:enrolment_transition", "enrolment", "post", REDIRECT_A),
    ("care:person", "woman", "get", {**OK, "village_b": 404}),
    ("care:enrol", "woman", "post", SHOWN_A),  # she is already enrolled in the programme
    ("care:consent_add", "woman", "post", REDIRECT_A),
    ("care:pairing_create", "woman", "get", {**EDIT, "village_b": 404}),
    ("care:benefit_create", "woman", "get", {**EDIT, "village_b": 404}),
    ("care:household", "household", "get", {**OK, "village_b": 404}),
    ("care:picker", None, "get", EDIT),
    ("care:consent_withdraw", "consent", "post", REDIRECT_A),
    ("care:pairings", None, "get", OK),
    ("care:pairing", "pairing", "get", {**OK, "village_b": 404}),
    ("care:visit_add", "pairing", "post", REDIRECT_A),
    ("care:pairing_end", "pairing", "post", REDIRECT_A),
    ("care:pairing_file", "pairing", "get", {**OK, "village_b": 404}),
    ("care:benefits", None, "get", OK),
    ("care:round_create", None, "get", EDIT),
    ("care:round", "round", "get", {**OK, "village_b": 404}),
    ("care:funds", None, "get", OK),
    ("care:fund", "fund", "get", {**OK, "village_a": 404, "village_b": 404}),
    ("care:fund_entry_add", "fund", "post", {"county": 302, "chair": 302, "village_a": 404, "village_b": 404,
                                             "viewer": 403}),
    ("care:campaigns", None, "get", OK),
    ("care:campaign", "campaign", "get", OK),
    ("care:result_add", "campaign", "post", HEALTH_SHOWN),
    ("care:relief", None, "get", HEALTH),
    ("care:policy_create", None, "get", HEALTH),
    ("care:relief_apply", "result", "post", HEALTH_SHOWN),
    ("care:relief_transition", "relief", "post", HEALTH_POST),
    ("care:springbud", None, "get", CHILDREN),
    ("care:springbud_register", "woman", "get", {**EDIT, "village_b": 404}),
    ("care:springbud_aid", "spring_bud", "post", REDIRECT_A),
    ("care:springbud_left", "spring_bud", "post", REDIRECT_A),
    # The township's census: villages below see it and add their own children to it.
    ("care:census", None, "get", OK),
    ("care:census_round", "census", "get", CHILDREN),
    ("care:person", "girl", "get", {**CHILDREN, "village_b": 404}),
    ("care:census_child_add", "census", "post", {**SHOWN_A, "village_b": 200}),
    ("care:insurance", None, "get", OK),
    ("care:insurance_add", "woman", "get", {**EDIT, "village_b": 404}),
    ("care:claim_add", "insurance", "post", REDIRECT_A),
    ("care:applications", None, "get", OK),
    # Corrections (GET the page; its POST is tested in test_corrections.py): those who may create, in scope.
    ("care:benefit_reverse", "benefit", "get", {**EDIT, "village_b": 404}),
    ("care:fund_entry_reverse", "fund_entry", "get", TOWNSHIP_EDIT),
    ("care:springbud_aid_reverse", "aid", "get", {**EDIT, "village_b": 404}),
    ("care:springbud_edit", "spring_bud", "get", {**EDIT, "village_b": 404}),
    ("care:claim_reverse", "claim", "get", {**EDIT, "village_b": 404}),
    ("care:insurance_edit", "insurance", "get", {**EDIT, "village_b": 404}),
    ("care:insurance_void", "insurance", "get", {**EDIT, "village_b": 404}),
    ("care:visit_edit", "visit", "get", {**EDIT, "village_b": 404}),
    ("care:visit_void", "visit", "get", {**EDIT, "village_b": 404}),
    ("care:census_child_edit", "census_child", "get", {**EDIT, "village_b": 404}),
    ("care:census_child_void", "census_child", "get", {**EDIT, "village_b": 404}),
    # The township's next round: a village director carries her own village's children (village B has none).
    ("care:census_carry", "census_next", "post", {**REDIRECT_A, "village_b": 302}),
    ("care:result_edit", "result", "get", HEALTH),
    ("care:result_void", "result_plain", "get", HEALTH),
    ("care:stats", None, "get", OK),
    ("care:stats_xlsx", None, "get", OK),
    ("care:programmes_xlsx", None, "get", EXPORT),
    ("care:programme_xlsx", "programme", "get", EXPORT),
    ("care:pairings_xlsx", None, "get", EXPORT),
    ("care:benefits_xlsx", None, "get", EXPORT),
    ("care:round_xlsx", "round", "get", EXPORT),
    ("care:fund_xlsx", "fund", "get", EXPORT),
    ("care:campaign_xlsx", "campaign", "get", EXPORT),
    ("care:relief_xlsx", None, "get", EXPORT),
    ("care:springbud_xlsx", None, "get", EXPORT),
    ("care:census_round_xlsx", "census", "get", EXPORT),
    ("care:insurance_xlsx", None, "get", EXPORT),
]
DATA = {
    "care:enrolment_transition": lambda c: {"to": "reviewing"},
    "care:consent_add": lambda c: {"kind": "health", "basis": "statutory", "given_on": "2026-01-01"},
    "care:picker": lambda c: {"q": "王", "field": "helper"},
    "care:visit_add": lambda c: {"date": str(c.today), "kind": "home", "done": "送米"},
    "care:pairing_end": lambda c: {"end_date": str(c.today), "confirm": "on"},
    "care:census_carry": lambda c: {"child": c.census_child.pk},
    "care:fund_entry_add": lambda c: {"direction": "in", "date": str(c.today), "party": "某企业", "amount": "10.00"},
    "care:relief_transition": lambda c: {"to": "reviewing"},
    "care:springbud_aid": lambda c: {"term": "2026春", "amount": "500", "donor": "某企业", "paid_on": str(c.today)},
    "care:springbud_left": lambda c: {"left_on": str(c.today), "reason": "转学外地"},
    "care:claim_add": lambda c: {"date": str(c.today), "reason": "住院", "amount_paid": "3000"},
}


@pytest.fixture
def targets(care, personas):
    from banbiantian.care import services
    from banbiantian.care.models import FundEntry, Result

    chair = personas.chair
    aid = services.spring_bud_aid(by=chair, girl=care.spring_bud, term="2026秋", amount="300", donor="某企业",
                                  paid_on=care.today)
    claim = services.insurance_claim_create(by=chair, policy=care.insurance, date=care.today, reason="住院",
                                            amount_paid="800")
    visit = services.visit_create(by=chair, pairing=care.pairing, date=care.today, kind="home", done="送米")
    services.consent_record(by=chair, person=care.helper, kind="health", basis="consent", given_on=care.today)
    plain = services.screening_result_record(by=chair, campaign=care.campaign, person=care.helper, result=Result.NORMAL)
    next_round = services.census_round_create(by=chair, unit=care.census.unit, year=care.census.year + 1, name="")
    ids = {k: getattr(care, k).pk for k in ("programme", "enrolment", "woman", "household", "consent", "pairing",
                                            "round", "fund", "campaign", "result", "relief", "benefit",
                                            "spring_bud", "census", "insurance", "census_child", "girl")}
    donation = FundEntry.objects.get(fund=care.fund, direction="in")
    return {**ids, "aid": aid.pk, "claim": claim.pk, "visit": visit.pk, "result_plain": plain.pk,
            "census_next": next_round.pk, "fund_entry": donation.pk}


test_permission_matrix, test_wrong_method_is_405, test_anonymous_is_sent_to_login = matrix.page_tests(
    MATRIX, data=DATA, data_from="care")
