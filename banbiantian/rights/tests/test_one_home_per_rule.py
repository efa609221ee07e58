"""Each rule of the rights area has one home; these pin that the places using it agree."""

import pytest

from banbiantian.core import audit
from banbiantian.rights import services
from banbiantian.rights.models import RightsPolicy

POLICY = {"number_format": "{short}妇信〔{year}〕{seq}号", "short_name": "", "reply_days": 10, "object_workdays": 5,
          "close_days": 45, "extension_max_days": 30, "review_request_days": 30, "review_answer_days": 30,
          "referral_reply_days": 10, "return_visit_days": 20, "dv_visit_offsets": "3，15"}


def test_a_policy_and_its_audit_row_commit_together(personas, tree, monkeypatch):
    """@transaction.atomic once sat on the format check above policy_save: a failed audit write left the
    policy saved without its audit row."""

    def failing_record(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(RuntimeError):
        services.policy_save(by=personas.chair, unit=tree.township, **POLICY)
    assert not RightsPolicy.objects.filter(unit=tree.township).exists()


@pytest.fixture
def everyone(personas, township_staff, other_chair, county_rights, county_staff):
    return [personas.county, personas.chair, personas.village_a, personas.village_b, personas.viewer, township_staff,
            other_chair, county_rights, county_staff]


@pytest.fixture
def cases(personas, tree, other_chair, new_case, woman):
    from banbiantian.conftest import make_person

    by_village = new_case(personas.village_a)
    by_chair = new_case(personas.chair, request="土地承包纠纷")
    elsewhere = new_case(other_chair, make_person(tree.village_c, "李桂兰"), request="赡养纠纷")
    handed = new_case(personas.chair, request="离婚财产分割")
    services.case_assign(by=personas.chair, case=handed, assignee=personas.village_b, version=handed.version)
    return [by_village, by_chair, elsewhere, handed]


def _may_touch(user, case) -> bool:
    from django.core.exceptions import PermissionDenied

    from banbiantian.rights.services._case import _require_case

    try:
        _require_case(user, case, "register_rights_cases")
    except PermissionDenied:
        return False
    return True


def test_who_may_touch_a_case_is_who_sees_it_in_the_list(everyone, cases):
    """The services' check is the case list's rule asked of one case, for every persona."""
    from banbiantian.rights.selectors import case_list, may_open

    for user in everyone:
        listed = set(case_list(user=user).values_list("pk", flat=True))
        for case in cases:
            assert may_open(user, case) == (case.pk in listed), (user.username, case.number)
            if user.has_perm_name("register_rights_cases"):
                assert _may_touch(user, case) == (case.pk in listed), (user.username, case.number)


def test_a_chair_moved_to_another_township_no_longer_touches_the_cases_she_registered(personas, tree, cases):
    """Once re-written in Python, the check let her act on a case her list no longer showed."""
    from banbiantian.rights.selectors import case_list

    chair = personas.chair
    mine = cases[1]
    chair.unit = tree.other_township
    chair.save()
    assert mine.pk not in set(case_list(user=chair).values_list("pk", flat=True))
    assert not _may_touch(chair, mine)


def test_a_village_case_is_handled_by_its_township_whichever_way_it_comes_in(personas, tree, woman, category):
    """One rule (rules.handling_unit) for the registration form, the 登记簿 import and its preview."""
    import datetime

    from django.utils import timezone

    from banbiantian.rights import rules
    from banbiantian.rights.transfer import REGISTRY

    assert rules.handling_unit(tree.village_a) == tree.township
    assert rules.handling_unit(tree.township) == tree.township
    received = timezone.localdate() - datetime.timedelta(days=3)
    data = {"channel": "visit", "category": category, "request": "要求调解家庭矛盾", "received_on": received}
    registered = services.case_register(by=personas.village_a, petitioner=woman, **data)
    imported = services.case_import_historic(by=personas.chair, unit=tree.village_a, petitioner=woman,
                                             **{**data, "request": "宅基地纠纷"})
    assert registered.unit == imported.unit == tree.township
    context = REGISTRY.context(by=personas.chair, unit=tree.village_a, mode="skip")
    assert context["handling_unit"] == tree.township


def test_the_form_and_the_import_register_through_one_path(personas, tree, woman, category):
    """Both number the case in the handling unit's one yearly series, put a first step on its timeline and
    write one audit row with the values registered."""
    import datetime

    from django.utils import timezone

    from banbiantian.core.models import AuditEntry

    received = timezone.localdate() - datetime.timedelta(days=3)
    data = {"channel": "visit", "category": category, "request": "要求调解家庭矛盾", "received_on": received}
    first = services.case_register(by=personas.chair, petitioner=woman, **data)
    second = services.case_import_historic(by=personas.chair, unit=tree.township, petitioner=woman,
                                           **{**data, "request": "宅基地纠纷"})
    assert (first.year, first.seq + 1) == (second.year, second.seq)
    for case in (first, second):
        assert case.events.count() == 1
        entry = AuditEntry.objects.get(object_type="rights.case", object_id=str(case.pk))
        assert entry.action == AuditEntry.Action.CREATE
        assert entry.changes["number"] == [None, case.number]
        assert entry.changes["request"] == [None, case.request]


def test_a_case_is_handed_only_to_whom_the_form_offers(personas, tree, township_staff, new_case):
    """The assign form's choices and the service's check are one queryset."""
    from django.core.exceptions import ValidationError

    from banbiantian.core.roles import Role
    from banbiantian.core.testing.personas import make_user as _user
    from banbiantian.rights.forms import AssignForm

    case = new_case(personas.chair)
    gone = _user("gone", tree.village_a, Role.VILLAGE_DIRECTOR)
    gone.is_active = False
    gone.save()
    elsewhere = _user("elsewhere", tree.village_c, Role.VILLAGE_DIRECTOR)
    offered = set(AssignForm(case=case).fields["assignee"].queryset)
    assert offered == {personas.village_a, personas.village_b}
    for user in (personas.village_a, personas.village_b, gone, elsewhere, township_staff, personas.chair):
        case.refresh_from_db()
        try:
            services.case_assign(by=personas.chair, case=case, assignee=user, version=case.version)
        except ValidationError:
            accepted = False
        else:
            accepted = True
        assert accepted == (user in offered), user.username
