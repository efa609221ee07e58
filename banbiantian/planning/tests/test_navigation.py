"""Both halves of 计划统计 are reachable from its home."""

from django.urls import reverse


def test_planning_home_links_to_the_statistical_forms(planning, personas, login):
    county = login(personas.county).get(reverse("planning:home")).content.decode()
    assert reverse("statforms:home") in county and reverse("statforms:status") in county  # approver
    village = login(personas.village_a).get(reverse("planning:home")).content.decode()
    assert reverse("statforms:home") in village and "本单位待填报的统计报表" in village
    assert reverse("statforms:status") not in village
    viewer = login(personas.viewer).get(reverse("planning:home")).content.decode()
    assert reverse("statforms:home") in viewer and "待填报" not in viewer
