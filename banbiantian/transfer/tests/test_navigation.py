"""The import log is reachable from the navigation (for users with import_data) and from the people list."""

from django.urls import reverse


def test_nav_link_for_importers_only(personas, login):
    link = f'href="{reverse("transfer:home")}"'
    assert link in login(personas.village_a).get(reverse("dashboard")).content.decode()
    assert link not in login(personas.viewer).get(reverse("dashboard")).content.decode()


def test_people_list_links_to_the_import_log(personas, login):
    page = login(personas.chair).get(reverse("people:home")).content.decode()
    assert f'href="{reverse("transfer:home")}"' in page and "导入记录" in page
