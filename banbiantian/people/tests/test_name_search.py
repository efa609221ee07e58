"""Name search: a long query that starts names is answered from the name index; partial names are still found."""

import pytest

from banbiantian.conftest import make_person
from banbiantian.people.selectors import person_list


@pytest.fixture
def names(tree):
    for name in ["王秀英", "王秀英子", "李秀英", "秀英", "欧阳王秀英", "王秀兰", "李金花", "金花"]:
        make_person(tree.village_a, name)
    make_person(tree.village_c, "王秀英")  # another township


def found(user, q):
    return sorted(person_list(user=user, q=q).values_list("name", flat=True))


def test_full_name_finds_the_names_it_starts(names, personas):
    assert found(personas.county, "王秀英") == ["王秀英", "王秀英", "王秀英子"]
    assert found(personas.chair, "王秀英") == ["王秀英", "王秀英子"]  # scope still applies


def test_two_character_partial_names_are_found_anywhere_in_the_name(names, personas):
    assert found(personas.county, "秀英") == sorted(["王秀英", "王秀英", "王秀英子", "李秀英", "秀英", "欧阳王秀英"])
    assert found(personas.county, "金花") == ["李金花", "金花"]
    assert found(personas.county, "王秀") == sorted(["王秀英", "王秀英", "王秀英子", "欧阳王秀英", "王秀兰"])


def test_long_query_that_starts_no_name_falls_back_to_containing(names, personas):
    assert found(personas.county, "阳王秀英") == ["欧阳王秀英"]
    assert found(personas.village_b, "王秀英") == []
    assert found(personas.county, "秀英子") == ["王秀英子"]


def test_filters_apply_before_the_name(names, personas, tree):
    assert person_list(user=personas.county, q="王秀英", unit=tree.village_c).count() == 1
    assert person_list(user=personas.county, q="王秀英", unit=tree.village_a).count() == 2
    assert person_list(user=personas.county, q="秀英", unit=tree.village_c).count() == 1
