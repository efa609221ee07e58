"""manage.py seed_demo: the demo county is complete, valid, the same every time, and its logins work."""

import datetime
import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from banbiantian.core.models import AuditEntry, Level, OrgUnit, User
from banbiantian.core.roles import Role
from banbiantian.demo import county as demo
from banbiantian.lib import idnumber
from banbiantian.people.models import GroupMembership, Household, Person
from banbiantian.people.selectors import person_list

SMALL = ["--townships", "2", "--villages", "3", "--people", "400"]


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def digest() -> str:
    h = hashlib.sha256()
    for row in OrgUnit.objects.order_by("code").values_list("code", "name", "level", "active_to"):
        h.update(repr(row).encode())
    for row in User.objects.order_by("username").values_list("username", "full_name", "role", "unit__code"):
        h.update(repr(row).encode())
    for row in Person.objects.order_by("id_number").values_list(
            "id_number", "name", "birth_date", "sex", "unit__code", "phone", "relation_to_head", "possible_duplicate"):
        h.update(repr(row).encode())
    return h.hexdigest()


def seeded_digest(*args) -> str:
    """Seed, take the digest, and roll the county back (a savepoint), so the next seed starts empty."""

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            seed(*args)
            raise Rollback(digest())
    except Rollback as done:
        return done.args[0]


@pytest.fixture
def small(db):
    return seed(*SMALL)


def test_small_county_has_the_right_units_users_and_people(small):
    county = OrgUnit.objects.get(code="330122000000")
    assert county.name == "清溪县" and county.level == Level.COUNTY and county.parent is None
    townships = OrgUnit.objects.filter(level=Level.TOWNSHIP)
    assert townships.count() == 2 and all(t.parent == county for t in townships)
    assert OrgUnit.objects.get(code="330122101000").name == "东塘镇"
    villages = OrgUnit.objects.filter(level=Level.VILLAGE)
    assert villages.filter(active_to__isnull=True).count() == 6
    merged = villages.get(active_to__isnull=False)  # the closed village, kept for its history
    assert merged.parent.name == "东塘镇" and "并入" in merged.note and not merged.is_active
    assert OrgUnit.objects.filter(level=Level.COMMITTEE, parent=county).count() == 1
    for unit in OrgUnit.objects.all():
        assert len(unit.code) == 12 and unit.code.isdigit() and unit.code.startswith("330122")
        assert unit.path == (unit.parent.path if unit.parent else "") + unit.code + "/"
        if unit.level == Level.VILLAGE:
            assert unit.code[:9] == unit.parent.code[:9] and unit.code[9:] != "000"
            assert unit.name.endswith(("村", "社区"))

    assert User.objects.count() == 4 + 2 * 2 + 2 * 3  # county_admin, county_staff, county_rights, viewer
    assert User.objects.get(username="county_admin").role == Role.COUNTY_ADMIN
    assert User.objects.get(username="t02_chair").role == Role.TOWNSHIP_CHAIR
    director = User.objects.get(username="t01_v01")
    assert director.role == Role.VILLAGE_DIRECTOR and director.unit.name == "东塘村" and director.full_name

    people = Person.objects.all()
    assert people.count() == 400
    assert not people.exclude(unit__in=villages.filter(active_to__isnull=True)).exists()
    women = people.filter(sex="F").count()
    assert 0.65 < women / 400 < 0.85
    assert people.filter(name_initials="").count() == 0 and people.filter(name_pinyin="").count() == 0
    assert Household.objects.exists()
    pairs = people.filter(possible_duplicate=True)
    assert pairs.count() == 4  # two pairs: same name and birth date in the same village
    for p in pairs:
        assert pairs.filter(unit=p.unit, name=p.name, birth_date=p.birth_date).count() == 2
    for child in people.filter(guardian__isnull=False).select_related("guardian"):
        assert child.is_minor and not child.guardian.is_minor and child.guardian.household_id == child.household_id
    for m in GroupMembership.objects.select_related("person", "group"):
        if m.group.for_children:
            assert m.person.is_minor, m
        assert m.end_date is None or m.end_date >= m.start_date

    entries = AuditEntry.objects.filter(object_type="demo")
    assert entries.count() == 1  # the areas' demo records add their own entries, made through their services
    assert entries[0].action == "create" and entries[0].object_repr.startswith("演示数据：2个乡镇")
    assert demo.PASSWORD in small and "t01_v01" in small and "演示账号" in small


def test_every_id_number_is_valid_and_agrees_with_birth_date_and_sex(small):
    numbers = set()
    for number, birth, sex in Person.objects.values_list("id_number", "birth_date", "sex"):
        parsed = idnumber.parse(number)
        assert parsed.number == number and number.startswith("330122")
        assert parsed.birth_date == birth and parsed.sex == sex
        numbers.add(number)
    assert len(numbers) == 400


def test_same_seed_gives_the_same_county(db):
    first = seeded_digest(*SMALL, "--seed", "7")
    assert seeded_digest(*SMALL, "--seed", "7") == first
    assert seeded_digest(*SMALL, "--seed", "8") != first


def test_if_empty_leaves_an_existing_database_alone(tree):
    out = seed(*SMALL, "--if-empty")
    assert "--if-empty" in out
    assert OrgUnit.objects.count() == 6 and not Person.objects.exists() and not User.objects.exists()


def test_running_twice_is_refused(small):
    with pytest.raises(CommandError, match="已有清溪县"):
        seed(*SMALL)
    assert Person.objects.count() == 400


@pytest.mark.parametrize("args, option", [
    (["--townships", "0"], "--townships"),
    (["--townships", "-3"], "--townships"),
    (["--villages", "1000"], "--villages"),
    (["--villages", "0"], "--villages"),
    (["--people", "-1"], "--people"),
    (["--people", "很多"], "--people"),
    (["--seed", "x"], "--seed"),
])
def test_bad_options_get_a_chinese_message_naming_the_option(db, args, option):
    with pytest.raises(CommandError) as exc:
        seed(*args)
    message = str(exc.value)
    assert option in message and "必须" in message
    assert not OrgUnit.objects.exists()


def test_demo_logins_work_and_a_village_director_sees_only_her_village(small, client):
    response = client.post(reverse("login"), {"username": "t01_v01", "password": demo.PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    director = User.objects.get(username="t01_v01")
    visible = person_list(user=director)
    assert visible.count() == Person.objects.filter(unit=director.unit).count() > 0
    assert set(visible.values_list("unit_id", flat=True)) == {director.unit_id}
    assert client.get(reverse("people:home")).status_code == 200
    admin = User.objects.get(username="county_admin")
    assert person_list(user=admin).count() == 400


def test_people_were_registered_over_the_years_not_all_today(small):
    from django.utils import timezone

    today = timezone.localdate()
    days = [(timezone.localtime(at).date(), birth) for at, birth in Person.objects.values_list("created_at", "birth_date")]
    assert all(birth < day <= today for day, birth in days)
    go_live = datetime.date(today.year - 2, 3, 1)
    drive = sum(go_live <= day < go_live + datetime.timedelta(days=91) for day, _birth in days)
    this_year = sum(day.year == today.year for day, _birth in days)
    assert 0.5 * len(days) < drive < 0.95 * len(days)  # most came in with the registration drive …
    assert this_year > 0  # … and the registry keeps growing
