"""Records seen "with ancestors" (a county's programme, campaign, relief policy, census, carried out below it)
have one rule, core.access.scope_with_ancestors: every list and every fetch of them agree with it."""

import datetime

import pytest
from django.http import Http404

from banbiantian.care import selectors
from banbiantian.care.models import CensusRound, Kind, Programme, ReliefPolicy, ScreeningCampaign
from banbiantian.core.models import User
from banbiantian.core.roles import Role

YEAR = 2026


@pytest.fixture
def owned_everywhere(tree):
    """One of each record owned by each unit of the tree."""
    rows = {}
    for i, unit in enumerate([tree.county, tree.township, tree.other_township, tree.village_a, tree.village_b,
                              tree.village_c]):
        rows[unit.pk] = dict(
            programme=Programme.objects.create(unit=unit, name=f"项目{i}", kind=Kind.OTHER, year=YEAR),
            campaign=ScreeningCampaign.objects.create(unit=unit, name=f"筛查{i}", date=datetime.date(YEAR, 3, 1),
                                                      institution="县妇幼保健院"),
            policy=ReliefPolicy.objects.create(unit=unit, name=f"政策{i}", amount="10000", categories=["低保对象"]),
            census=CensusRound.objects.create(unit=unit, year=YEAR - i, name=f"普查{i}"),
        )
    return rows


def _seen(user, unit) -> bool:
    """The rule in words: her unit's subtree, and the units above her."""
    return unit.is_within(user.unit) or user.unit.is_within(unit)


LISTS = {
    "programme": (lambda u: selectors.programme_list(user=u), selectors.get_programme_for_user),
    "campaign": (lambda u: selectors.campaign_list(user=u), selectors.get_campaign_for_user),
    "policy": (selectors.policies_for, None),
    "census": (lambda u: selectors.census_list(user=u), selectors.get_census_for_user),
}


@pytest.mark.parametrize("kind", LISTS)
def test_lists_and_fetches_of_records_seen_with_ancestors_agree(personas, tree, owned_everywhere, kind):
    listing, fetch = LISTS[kind]
    township_staff = User.objects.create_user(username="staff_b", unit=tree.other_township,
                                              role=Role.TOWNSHIP_STAFF)
    for user in [personas.county, personas.chair, personas.village_a, personas.village_b, personas.viewer,
                 township_staff]:
        listed = set(listing(user).values_list("pk", flat=True))
        for records in owned_everywhere.values():
            record = records[kind]
            assert (record.pk in listed) == _seen(user, record.unit), (user.username, kind, record.unit.name)
            if fetch is None:
                continue
            try:
                fetch(user, record.pk)
            except Http404:
                fetched = False
            else:
                fetched = True
            assert fetched == (record.pk in listed), (user.username, kind, record.unit.name)
            # Changing one stays with its own unit and those above: only the subtree, no ancestors.
            try:
                fetch(user, record.pk, perm="edit_care")
            except Http404:
                editable = False
            else:
                editable = True
            assert editable == (user.has_perm_name("edit_care") and record.unit.is_within(user.unit))
