"""The 待办 list is an area declaration (AreaConfig.todo). Over the small demo county, every declared
area's items for every kind of user link to pages that user may open (her own scope, never a 404 or
403), and the dashboard shows them first, each line a link; dashboard tiles are links as a whole."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from banbiantian.core import areas
from banbiantian.core.dashboard import TodoItem, todo
from banbiantian.core.models import User
from banbiantian.core.roles import Role

SMALL = ["--townships", "2", "--villages", "3", "--people", "400"]


@pytest.fixture
def county(db):
    call_command("seed_demo", *SMALL, stdout=io.StringIO())


def test_areas_declare_their_todo():
    declared = {area.label for area in areas.declared() if area.todo}
    assert {"statforms", "rights", "care"} <= declared


def test_every_areas_items_stay_within_the_users_scope(county, client):
    users = [User.objects.filter(role=role, is_active=True).order_by("username").first() for role in Role.values]
    users += list(User.objects.filter(role=Role.VILLAGE_DIRECTOR).order_by("username")[1:3])
    seen = 0
    for user in filter(None, users):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for area in areas.declared():
            if not area.todo:
                continue
            for item in area.member(area.todo)(user):
                assert isinstance(item, TodoItem) and item.text and item.count >= 1
                response = client.get(item.url.split("#")[0])
                assert response.status_code == 200, (user.username, area.label, item.text, item.url)
                seen += 1
    assert seen > 10  # the demo county owes plenty: the check above ran over real items


def test_dashboard_shows_the_todo_first_and_every_tile_is_one_link(county, client):
    chair = User.objects.filter(role=Role.TOWNSHIP_CHAIR).order_by("username").first()
    client.force_login(chair, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("dashboard")).content.decode()
    items = todo(chair)
    assert items and page.index('id="todo"') < page.index("stat-card")
    for item in items[:5]:
        assert f'href="{item.url}"' in page
    # A tile with a link is an <a> around the whole card, never a link on its number only.
    assert re.search(r'<a href="[^"]+" class="card stat-card stat-card-link', page)
    assert not re.search(r'<div class="value"><a ', page)
    dated = [i.due for i in items if i.due]
    assert dated == sorted(dated)
