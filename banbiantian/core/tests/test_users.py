import pytest
from django.urls import reverse

from banbiantian.conftest import PASSWORD
from banbiantian.core.models import AuditEntry, User
from banbiantian.core.roles import Role

NEW_PASSWORD = "Qingxi-Village-77"


def _create_form(unit, role=Role.VILLAGE_DIRECTOR, username="newdir", password=NEW_PASSWORD):
    return {"username": username, "full_name": "新主任", "phone": "", "unit": unit.pk, "role": role,
            "password1": password, "password2": password}


def test_chair_creates_a_village_director_below_her(personas, tree, login):
    response = login(personas.chair).post(reverse("users:create"), _create_form(tree.village_b))
    assert response.status_code == 302
    user = User.objects.get(username="newdir")
    assert user.unit == tree.village_b and user.role == Role.VILLAGE_DIRECTOR
    assert user.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="create", object_type="core.user")
    assert entry.actor == personas.chair and "password" not in entry.changes


def test_chair_cannot_create_in_another_township_or_a_stronger_role(personas, tree, login):
    client = login(personas.chair)
    body = client.post(reverse("users:create"), _create_form(tree.village_c)).content.decode()
    assert "所属单位" in body
    body = client.post(reverse("users:create"), _create_form(tree.township, role=Role.COUNTY_ADMIN)).content.decode()
    assert "角色" in body
    assert not User.objects.filter(username="newdir").exists()


def test_role_must_fit_the_unit_level(personas, tree, login):
    body = login(personas.county).post(reverse("users:create"),
                                       _create_form(tree.village_a, role=Role.TOWNSHIP_CHAIR)).content.decode()
    assert "“乡镇妇联主席”不能设在村(社区)单位" in body
    assert not User.objects.filter(username="newdir").exists()


def test_weak_password_is_refused_in_chinese(personas, tree, login):
    body = login(personas.chair).post(reverse("users:create"),
                                      _create_form(tree.village_b, password="12345678")).content.decode()
    assert "初始密码" in body and "密码" in body and "数字" in body
    assert not User.objects.filter(username="newdir").exists()


def test_duplicate_username_is_refused(personas, tree, login):
    body = login(personas.chair).post(reverse("users:create"),
                                      _create_form(tree.village_b, username="VILLAGE_A")).content.decode()
    assert "用户名“VILLAGE_A”已被使用" in body


def test_reset_password_and_deactivate(personas, tree, login, client):
    chair = login(personas.chair)
    response = chair.post(reverse("users:password", args=[personas.village_a.pk]),
                          {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    personas.village_a.refresh_from_db()
    assert personas.village_a.check_password(NEW_PASSWORD)
    chair.post(reverse("users:set_active", args=[personas.village_a.pk]), {"active": "0"})
    personas.village_a.refresh_from_db()
    assert not personas.village_a.is_active
    body = client.post(reverse("login"), {"username": "village_a", "password": NEW_PASSWORD}).content.decode()
    assert "_auth_user_id" not in client.session and "用户名或密码错误" in body
    actions = list(AuditEntry.objects.filter(object_type="core.user", action="update").values_list("changes", flat=True))
    assert {"is_active": [True, False]} in actions
    assert all(NEW_PASSWORD not in str(c) for c in actions)


def test_cannot_manage_users_outside_the_subtree(personas, tree, login):
    chair = login(personas.chair)
    assert chair.get(reverse("users:edit", args=[personas.county.pk])).status_code == 404
    assert chair.post(reverse("users:set_active", args=[personas.county.pk]), {"active": "0"}).status_code == 404
    personas.county.refresh_from_db()
    assert personas.county.is_active


def test_cannot_deactivate_yourself(personas, login):
    login(personas.chair).post(reverse("users:set_active", args=[personas.chair.pk]), {"active": "0"})
    personas.chair.refresh_from_db()
    assert personas.chair.is_active


@pytest.mark.parametrize("who", ["village_a", "viewer"])
def test_users_pages_are_forbidden_without_manage_users(personas, login, who):
    client = login(getattr(personas, who))
    assert client.get(reverse("users:list")).status_code == 403
    assert client.post(reverse("users:create"), {}).status_code == 403


def test_user_list_shows_only_subtree(personas, login):
    body = login(personas.chair).get(reverse("users:list")).content.decode()
    assert "village_a" in body and "village_b" in body
    assert ">county<" not in body and ">viewer<" not in body


def test_login_page_logs_in_and_audits(personas, client):
    response = client.post(reverse("login"), {"username": "village_a", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="login", actor=personas.village_a).exists()


def test_login_is_locked_after_five_failures(personas, client):
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "village_a", "password": "wrong-password"})
    assert AuditEntry.objects.filter(action="login_failed", object_repr="village_a").count() >= 4
    response = client.post(reverse("login"), {"username": "village_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_message_is_chinese(personas, client):
    body = client.post(reverse("login"), {"username": "village_a", "password": "nope"}).content.decode()
    assert "用户名或密码错误" in body


def test_password_reset_and_deactivation_revoke_api_tokens(personas, login):
    from rest_framework.authtoken.models import Token

    Token.objects.create(user=personas.village_a)
    login(personas.chair).post(reverse("users:password", args=[personas.village_a.pk]),
                               {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert not Token.objects.filter(user=personas.village_a).exists()
    Token.objects.create(user=personas.village_a)
    login(personas.chair).post(reverse("users:set_active", args=[personas.village_a.pk]), {"active": "0"})
    assert not Token.objects.filter(user=personas.village_a).exists()


def test_everyone_changes_her_own_password(personas, login):
    from django.urls import reverse

    from banbiantian.conftest import PASSWORD
    from banbiantian.core.models import AuditEntry

    director = personas.village_a
    client = login(director)
    url = reverse("users:my_password")
    assert f'href="{url}"' in client.get(reverse("dashboard")).content.decode()
    wrong = client.post(url, {"old_password": "nope", "password1": "Qingxi-2027!", "password2": "Qingxi-2027!"})
    assert "原密码不正确" in wrong.content.decode()
    weak = client.post(url, {"old_password": PASSWORD, "password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 200 and "新密码" in weak.content.decode()
    director.refresh_from_db()
    assert director.check_password(PASSWORD)
    done = client.post(url, {"old_password": PASSWORD, "password1": "Qingxi-2027!", "password2": "Qingxi-2027!"})
    assert done.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200  # still signed in here
    director.refresh_from_db()
    assert director.check_password("Qingxi-2027!")
    entry = AuditEntry.objects.filter(object_type="core.user", object_id=str(director.pk)).latest("pk")
    assert entry.actor == director and "Qingxi" not in str(entry.changes)


def _lock(client, username="village_a"):
    for _ in range(5):
        client.post(reverse("login"), {"username": username, "password": "wrong-password"})


def test_a_locked_account_shows_as_locked_and_its_admin_unlocks_it(personas, login, client):
    _lock(client)
    locked = client.post(reverse("login"), {"username": "village_a", "password": PASSWORD})
    assert locked.status_code == 429
    chair = login(personas.chair)
    row = [r for r in chair.get(reverse("users:list")).content.decode().split("<tr>") if ">village_a<" in r][0]
    assert "已锁定" in row and "解锁" in row
    assert "已锁定" in chair.get(reverse("users:edit", args=[personas.village_a.pk])).content.decode()

    response = chair.post(reverse("users:unlock", args=[personas.village_a.pk]), follow=True)
    assert "已解锁“village_a”" in response.content.decode()
    row = [r for r in chair.get(reverse("users:list")).content.decode().split("<tr>") if ">village_a<" in r][0]
    assert "已锁定" not in row
    assert client.post(reverse("login"), {"username": "village_a", "password": PASSWORD}).status_code == 302
    entry = AuditEntry.objects.filter(action="update", object_id=str(personas.village_a.pk),
                                      changes__has_key="locked").get()
    assert entry.actor == personas.chair
    assert ("锁定", "是", "否") in [(str(label), b, a) for label, b, a in entry.change_lines()]


def test_a_password_reset_unlocks_the_account(personas, login, client):
    _lock(client)
    login(personas.chair).post(reverse("users:password", args=[personas.village_a.pk]),
                               {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert client.post(reverse("login"), {"username": "village_a", "password": NEW_PASSWORD}).status_code == 302


def test_the_lockout_message_says_until_when_and_whom_to_ask(personas, client):
    personas.chair.full_name, personas.chair.phone = "张主席", "13900001234"
    personas.chair.save()
    _lock(client)
    body = client.post(reverse("login"), {"username": "village_a", "password": PASSWORD}).content.decode()
    assert "之后再试" in body and "15分钟" in body
    assert "乡镇(街道)妇联主席或县妇联管理员" in body and "账号管理" in body
    # Seen before signing in: no admin's name or phone, and the same words for a name that does not exist.
    assert "张主席" not in body and "13900001234" not in body
    for _ in range(5):
        client.post(reverse("login"), {"username": "nobody", "password": "wrong-password"})
    unknown = client.post(reverse("login"), {"username": "nobody", "password": "wrong-password"}).content.decode()
    assert unknown.split("<main", 1)[-1].replace("nobody", "village_a") == body.split("<main", 1)[-1]


def test_unlocking_an_account_that_is_not_locked_says_so(personas, login):
    response = login(personas.chair).post(reverse("users:unlock", args=[personas.village_a.pk]), follow=True)
    assert "未被锁定" in response.content.decode()
    assert not AuditEntry.objects.filter(changes__has_key="locked").exists()
