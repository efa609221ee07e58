import datetime

import pytest
from django.urls import reverse

from banbiantian.conftest import make_id_number, make_person
from banbiantian.core.models import AuditEntry
from banbiantian.people.models import Person, SpecialGroup


@pytest.fixture
def wang(tree):
    return make_person(tree.village_a, "王秀英", phone="13812345678")


def test_list_shows_masked_numbers_and_only_own_village(personas, tree, wang, login):
    make_person(tree.village_b, "李桂兰")
    response = login(personas.village_a).get(reverse("people:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "王秀英" in body and "李桂兰" not in body
    assert wang.id_number not in body
    assert wang.id_number_masked in body


def test_search_by_initials_name_id_and_phone(personas, tree, wang, login):
    make_person(tree.village_a, "李桂兰")
    client = login(personas.chair)
    for q in ["wxy", "王秀", "wangxiu", wang.id_number, "13812345678"]:
        body = client.get(reverse("people:home"), {"q": q}).content.decode()
        assert "王秀英" in body and "李桂兰" not in body, q


def test_detail_outsider_gets_404(personas, wang, login):
    assert login(personas.village_a).get(reverse("people:detail", args=[wang.pk])).status_code == 200
    assert login(personas.village_b).get(reverse("people:detail", args=[wang.pk])).status_code == 404
    assert login(personas.village_b).get(reverse("people:detail", args=[999999])).status_code == 404


def test_viewer_cannot_edit(personas, wang, login):
    client = login(personas.viewer)
    assert client.get(reverse("people:detail", args=[wang.pk])).status_code == 200
    assert client.get(reverse("people:edit", args=[wang.pk])).status_code == 403
    assert client.post(reverse("people:edit", args=[wang.pk]), {"name": "X"}).status_code == 403


def test_edit_phone_is_saved_and_audited(personas, tree, wang, login):
    client = login(personas.village_a)
    form = {"name": "王秀英", "unit": tree.village_a.pk, "sex": "F", "ethnicity": "汉族", "phone": "139 0000 1111"}
    response = client.post(reverse("people:edit", args=[wang.pk]), form)
    assert response.status_code == 302
    wang.refresh_from_db()
    assert wang.phone == "13900001111"
    assert wang.id_number  # the masked user left the number blank: unchanged
    entry = AuditEntry.objects.get(action="update", object_id=str(wang.pk))
    assert entry.changes["phone"] == ["13812345678", "13900001111"]
    assert entry.actor == personas.village_a


def test_bad_phone_gets_a_chinese_message_and_nothing_changes(personas, tree, wang, login):
    form = {"name": "王秀英", "unit": tree.village_a.pk, "sex": "F", "ethnicity": "汉族", "phone": "12345"}
    response = login(personas.village_a).post(reverse("people:edit", args=[wang.pk]), form)
    assert response.status_code == 200
    assert "联系电话：手机号应为11位" in response.content.decode()
    wang.refresh_from_db()
    assert wang.phone == "13812345678"
    assert not AuditEntry.objects.filter(action="update").exists()


def test_tampered_unit_in_form_is_refused(personas, tree, login):
    form = {"name": "张三妹", "unit": tree.village_b.pk, "sex": "F", "ethnicity": "汉族"}
    response = login(personas.village_a).post(reverse("people:create"), form)
    assert response.status_code == 200
    assert not Person.objects.filter(name="张三妹").exists()


def test_create_with_duplicate_id_names_existing_record(personas, tree, wang, login):
    form = {"name": "王秀英二", "unit": tree.village_a.pk, "sex": "F", "ethnicity": "汉族", "id_number": wang.id_number}
    body = login(personas.village_a).post(reverse("people:create"), form).content.decode()
    assert "已登记为“王秀英”（东塘村）" in body
    # Someone who may not see the existing record is not told whose it is.
    form["unit"] = tree.village_b.pk
    body = login(personas.village_b).post(reverse("people:create"), form).content.decode()
    assert "已在其他单位登记" in body and "王秀英”" not in body


def test_create_derives_birth_date_and_flags_duplicate(personas, tree, wang, login):
    number = make_id_number(wang.birth_date, seq=77)
    form = {"name": "王秀英", "unit": tree.village_a.pk, "sex": "F", "ethnicity": "汉族", "id_number": number}
    response = login(personas.chair).post(reverse("people:create"), form)
    assert response.status_code == 302
    twin = Person.objects.get(id_number=number)
    assert twin.birth_date == wang.birth_date and twin.possible_duplicate
    wang.refresh_from_db()
    assert wang.possible_duplicate


def test_reveal_full_id_is_logged(personas, wang, login):
    response = login(personas.chair).post(reverse("people:reveal_id", args=[wang.pk]))
    assert wang.id_number in response.content.decode()
    assert AuditEntry.objects.filter(action="view", object_id=str(wang.pk), actor=personas.chair).count() == 1
    assert login(personas.village_a).post(reverse("people:reveal_id", args=[wang.pk])).status_code == 403


def test_group_membership_and_filter(personas, tree, wang, login):
    group = SpecialGroup.objects.get(name="留守妇女")
    client = login(personas.village_a)
    client.post(reverse("people:membership_add", args=[wang.pk]), {"group": group.pk, "start_date": "2025-01-01"})
    assert wang.memberships.filter(group=group, end_date=None).exists()
    make_person(tree.village_a, "李桂兰")
    body = client.get(reverse("people:home"), {"group": group.pk}).content.decode()
    assert "王秀英" in body and "李桂兰" not in body


def test_age_band_filter(personas, tree, login):
    make_person(tree.village_a, "王小红", birth=datetime.date.today().replace(year=datetime.date.today().year - 10))
    make_person(tree.village_a, "王老太", birth=datetime.date(1950, 1, 1))
    body = login(personas.village_a).get(reverse("people:home"), {"age_band": "0-17"}).content.decode()
    assert "王小红" in body and "王老太" not in body


def test_wrong_method_is_405(personas, wang, login):
    client = login(personas.chair)
    assert client.post(reverse("people:home")).status_code == 405
    assert client.get(reverse("people:reveal_id", args=[wang.pk])).status_code == 405
    assert client.delete(reverse("people:detail", args=[wang.pk])).status_code == 405


def test_dashboard_counts_scope(personas, tree, wang, login):
    make_person(tree.village_c, "赵玉兰")
    county = login(personas.county).get(reverse("dashboard")).content.decode()
    assert "东塘镇" in county and "西岭乡" in county
    response = login(personas.village_a).get(reverse("dashboard"))
    assert response.status_code == 200


def test_anonymous_is_sent_to_login(client, wang):
    response = client.get(reverse("people:home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
