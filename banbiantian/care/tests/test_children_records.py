"""Children's records (the census's children, Spring Bud girls, a minor's pages) are guarded like
health records: a named permission (view_children, not the read-only viewer's) and one logged view
per page, naming the children shown."""

from django.urls import reverse

from banbiantian.core.models import AuditEntry


def _views(**kw):
    return AuditEntry.objects.filter(action="view", **kw)


def test_the_viewer_is_refused_the_census_children_and_spring_bud_girls(care, personas, login):
    viewer = login(personas.viewer)
    assert viewer.get(reverse("care:census_round", args=[care.census.pk])).status_code == 403
    assert viewer.get(reverse("care:springbud")).status_code == 403
    assert viewer.get(reverse("care:person", args=[care.girl.pk])).status_code == 403
    assert viewer.get(reverse("people:detail", args=[care.girl.pk])).status_code == 403
    # An adult's pages stay open to her, and the menu does not offer what she may not open.
    assert viewer.get(reverse("people:detail", args=[care.woman.pk])).status_code == 200
    body = viewer.get(reverse("care:census")).content.decode()
    assert "春蕾计划" not in body
    assert not _views().exists()


def test_opening_the_census_logs_one_entry_naming_its_children(care, personas, login):
    body = login(personas.village_a).get(reverse("care:census_round", args=[care.census.pk])).content.decode()
    assert "王小春" in body
    entry = _views(object_type="care.censuschild").get()
    assert entry.actor == personas.village_a and [r["name"] for r in entry.changes["records"]] == ["王小春"]
    assert entry.object_id == str(care.girl.pk)


def test_spring_bud_list_and_a_minors_pages_are_logged(care, personas, login):
    client = login(personas.chair)
    client.get(reverse("care:springbud"))
    assert _views(object_type="care.springbudgirl", object_id=str(care.girl.pk)).count() == 1
    client.get(reverse("people:detail", args=[care.girl.pk]))
    client.get(reverse("care:person", args=[care.girl.pk]))
    assert _views(object_type="people.person", object_id=str(care.girl.pk)).count() == 2
    client.get(reverse("people:detail", args=[care.woman.pk]))  # an adult's page is not a child's record
    assert _views(object_id=str(care.woman.pk)).count() == 0
    body = login(personas.county).get(reverse("audit:list"), {"action": "view"}).content.decode()
    assert "未成年人个人页 · 王小春" in body and "春蕾女童 · 王小春" in body


def test_a_childrens_list_download_logs_the_children_in_it(care, personas, login):
    login(personas.chair).get(reverse("care:census_round_xlsx", args=[care.census.pk]))
    entry = _views(object_type="care.census_round").get()
    assert [r["name"] for r in entry.changes["records"]] == ["王小春"]


def test_the_api_guards_a_minor_as_the_page_does(care, personas, login):
    assert login(personas.viewer).get(f"/api/people/{care.girl.pk}/").status_code == 403
    assert login(personas.viewer).get(f"/api/people/{care.woman.pk}/").status_code == 200
    assert login(personas.chair).get(f"/api/people/{care.girl.pk}/").json()["name"] == "王小春"
    assert _views(object_type="people.person", object_id=str(care.girl.pk), actor=personas.chair).count() == 1


def test_the_records_behind_childrens_figures_need_view_children_and_are_logged(care, personas, login, tree):
    from banbiantian.core import metrics

    for key in ("care.left_behind_children", "care.spring_bud_girls_aided"):
        assert not metrics.can_open(key, personas.viewer) and metrics.can_open(key, personas.chair)
    url = reverse("planning:figure", args=["care.left_behind_children"]) + f"?unit={tree.township.pk}&period={care.today.year}"
    assert login(personas.viewer).get(url).status_code == 403
    assert "王小春" in login(personas.chair).get(url).content.decode()
    entry = _views(object_type="metric:care.left_behind_children").get()
    assert entry.actor == personas.chair and [r["name"] for r in entry.changes["records"]] == ["王小春"]
