import pytest
from django.http import Http404

from banbiantian.conftest import make_person
from banbiantian.core.access import get_for_user, scope
from banbiantian.core.models import OrgUnit, User
from banbiantian.people.models import Person


def test_scope_is_the_subtree(personas, tree):
    make_person(tree.village_a, "甲")
    make_person(tree.village_b, "乙")
    make_person(tree.village_c, "丙")
    names = lambda user: sorted(scope(Person.objects.all(), user, "view_people").values_list("name", flat=True))  # noqa: E731
    assert names(personas.county) == ["丙", "乙", "甲"]
    assert names(personas.chair) == ["乙", "甲"]
    assert names(personas.village_a) == ["甲"]
    assert names(personas.viewer) == ["丙", "乙", "甲"]


def test_scope_without_permission_is_empty(personas, tree):
    make_person(tree.village_a, "甲")
    assert not scope(Person.objects.all(), personas.viewer, "edit_people").exists()


def test_deactivated_user_sees_nothing(personas, tree):
    make_person(tree.village_a, "甲")
    personas.village_a.is_active = False
    assert not scope(Person.objects.all(), personas.village_a, "view_people").exists()


def test_get_for_user_404_for_missing_and_not_yours(personas, tree):
    person = make_person(tree.village_a, "甲")
    assert get_for_user(Person.objects.all(), personas.village_a, person.pk, "view_people") == person
    with pytest.raises(Http404):
        get_for_user(Person.objects.all(), personas.village_b, person.pk, "view_people")
    with pytest.raises(Http404):
        get_for_user(Person.objects.all(), personas.village_a, 10**9, "view_people")
    with pytest.raises(Http404):
        get_for_user(Person.objects.all(), personas.village_a, "abc", "view_people")


def test_similar_code_prefix_is_not_a_child(personas, tree, db):
    # 330122101001 is a village; a unit whose path merely starts with the same digits must not leak.
    lookalike = OrgUnit.objects.create(code="330122101009", name="外乡村", level="village", parent=tree.other_township)
    assert not lookalike.is_within(tree.township)
    assert lookalike not in scope(OrgUnit.objects.all(), personas.chair, "view_people")


def test_org_unit_path_and_subtree(tree):
    assert tree.village_a.path == "330122000000/330122101000/330122101001/"
    assert set(tree.township.subtree()) == {tree.township, tree.village_a, tree.village_b}
    assert [u.name for u in tree.village_a.ancestors()] == ["清溪县", "东塘镇"]


def test_user_scope_uses_the_same_rule(personas):
    visible = set(scope(User.objects.all(), personas.chair, "manage_users").values_list("username", flat=True))
    assert visible == {"chair", "village_a", "village_b"}


def test_menu_links_only_to_areas_the_user_may_open(personas, tree, login):
    from django.urls import reverse

    from banbiantian.core import areas
    from banbiantian.core.roles import Role

    assert all(area.entry_permissions for area in areas.menu() if area.is_open)
    officer = User.objects.create_user(username="officer", password="x", unit=tree.county, role=Role.COUNTY_RIGHTS)
    rights, care = reverse("rights:home"), reverse("care:home")
    for user, shown, hidden in ((personas.viewer, [care], [rights]), (officer, [rights], [care]),
                                (personas.chair, [rights, care], [])):
        page = login(user).get(reverse("dashboard")).content.decode()
        for url in shown:
            assert f'href="{url}"' in page, (user, url)
            assert login(user).get(url).status_code == 200
        for url in hidden:
            assert f'href="{url}"' not in page, (user, url)


def test_empty_choice_of_a_select_built_from_a_model_field_is_chinese():
    from banbiantian.people.models import Person

    field = Person._meta.get_field("education").formfield()
    assert str(field.choices[0][1]) == "（请选择）"  # Django 6.1 would say "- Select an option -"
