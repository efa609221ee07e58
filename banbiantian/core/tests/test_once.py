"""A form posted twice (a second tap, Back then save) is saved once, in every area (core/once.py)."""

import pathlib
import re

from django.contrib.messages import get_messages
from django.template import engines
from django.urls import reverse

from banbiantian.core.models import FormSubmission
from banbiantian.core.once import FIELD
from banbiantian.people.models import Person

ROOT = pathlib.Path(__file__).resolve().parents[2]
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post[\"']?[^>]*>(.*?)</form>", re.I | re.S)


def _token(html: str) -> str:
    match = re.search(rf'name="{FIELD}" value="([^"]+)"', html)
    assert match, "the form carries no one-time token"
    return match.group(1)


def test_every_post_form_in_every_area_carries_the_token():
    """{% csrf_token %} renders the one-time token too, so a POST form without it is a POST form without it."""
    templates = sorted(ROOT.glob("**/templates/**/*.html"))
    assert len(templates) > 50
    forms, lacking = 0, []
    for path in templates:
        for match in POST_FORM.finditer(path.read_text(encoding="utf-8")):
            forms += 1
            if "{% csrf_token %}" not in match.group(1):
                lacking.append(f"{path.relative_to(ROOT)}: {match.group(0)[:80]}")
    assert forms > 50
    assert not lacking, "POST forms without {% csrf_token %} (and so without the one-time token):\n" + "\n".join(lacking)


def test_the_csrf_tag_renders_a_fresh_token_each_time(rf, personas):
    request = rf.get("/")
    request.user = personas.village_a
    html = engines["django"].from_string("<form method=post>{% csrf_token %}</form>" * 2).render({}, request)
    tokens = re.findall(rf'name="{FIELD}" value="([^"]+)"', html)
    assert len(tokens) == 2 and tokens[0] != tokens[1]
    assert 'name="csrfmiddlewaretoken"' in html


def _register(client, token, **extra):
    data = {"name": "李桂兰", "unit": client.unit.pk, "sex": "F", "ethnicity": "汉族", "phone": "13812345678",
            FIELD: token, **extra}
    return client.post(reverse("people:create"), data)


def test_a_second_tap_saves_once_and_shows_the_first_result(login, personas, tree):
    client = login(personas.village_a)
    client.unit = tree.village_a
    token = _token(client.get(reverse("people:create")).content.decode())
    first = _register(client, token)
    person = Person.objects.get(name="李桂兰")
    assert first.status_code == 302 and first["Location"] == reverse("people:detail", args=[person.pk])
    list(get_messages(first.wsgi_request))

    again = _register(client, token)
    assert Person.objects.filter(name="李桂兰").count() == 1
    assert again.status_code == 302 and again["Location"] == reverse("people:detail", args=[person.pk])
    page = client.get(again["Location"])
    assert "该表单已提交，未重复保存。" in page.content.decode()


def test_a_failed_submission_frees_its_token_for_the_corrected_form(login, personas, tree):
    client = login(personas.village_a)
    client.unit = tree.village_a
    token = _token(client.get(reverse("people:create")).content.decode())
    bad = _register(client, token, phone="12")
    assert bad.status_code == 200 and not Person.objects.exists()
    good = _register(client, token)
    assert good.status_code == 302 and Person.objects.filter(name="李桂兰").count() == 1


def test_a_redirect_with_an_error_message_is_not_a_result(login, personas, tree):
    """A small form that redirects back with the refusal as a message can be sent again once corrected."""
    from banbiantian.conftest import make_person
    from banbiantian.people.models import GroupMembership, SpecialGroup

    person = make_person(tree.village_a, "王秀英")
    membership = GroupMembership.objects.create(person=person, group=SpecialGroup.objects.get(name="留守妇女"))
    client = login(personas.village_a)
    url = reverse("people:membership_end", args=[membership.pk])
    bad = client.post(url, {"end_date": "", FIELD: "tok-1"})
    assert bad.status_code == 302
    assert not FormSubmission.objects.filter(token="tok-1").exists()


def test_tokens_are_per_user(login, personas, tree):
    """Another user's token is no key to her result page: it is simply a new submission."""
    one, other = login(personas.village_a), login(personas.chair)
    one.unit = tree.village_a
    other.unit = tree.village_a
    assert _register(one, "shared").status_code == 302
    assert _register(other, "shared", name="张美华").status_code == 302
    assert set(Person.objects.values_list("name", flat=True)) == {"李桂兰", "张美华"}


def test_posts_without_a_token_are_handled_as_before(login, personas, tree):
    client = login(personas.village_a)
    for _ in range(2):
        client.post(reverse("people:create"), {"name": "李桂兰", "unit": tree.village_a.pk, "sex": "F",
                                               "ethnicity": "汉族"})
    assert Person.objects.filter(name="李桂兰").count() == 2
