import datetime

from django.urls import reverse

from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry, OrgUnit


def test_tree_page_lists_the_subtree(personas, tree, login):
    body = login(personas.chair).get(reverse("org:tree")).content.decode()
    assert "东塘村" in body and "桥头村" in body and "西岭村" not in body and "清溪县" not in body


def test_unit_page_and_outsider(personas, tree, login):
    assert login(personas.chair).get(reverse("org:unit", args=[tree.village_a.pk])).status_code == 200
    assert login(personas.village_b).get(reverse("org:unit", args=[tree.village_a.pk])).status_code == 404


def test_county_admin_adds_and_closes_a_village(personas, tree, login):
    client = login(personas.county)
    response = client.post(reverse("org:create", args=[tree.township.pk]),
                           {"name": "新华村", "code": "330122101003", "level": "village"})
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="330122101003")
    assert unit.path == tree.township.path + "330122101003/"
    make_person(unit, "陈阿妹")
    client.post(reverse("org:close", args=[unit.pk]), {"active_to": "2026-06-30", "note": "并入东塘村"})
    unit.refresh_from_db()
    assert unit.active_to == datetime.date(2026, 6, 30) and not unit.is_active
    # History stays: the closed village and its people are still in the tree and the registry.
    assert "陈阿妹" in client.get(reverse("people:home")).content.decode()
    assert AuditEntry.objects.filter(object_type="core.orgunit").count() == 2


def test_bad_unit_code_is_refused(personas, tree, login):
    client = login(personas.county)
    body = client.post(reverse("org:create", args=[tree.township.pk]),
                       {"name": "新华村", "code": "33012210100A", "level": "village"}).content.decode()
    assert "统计区划代码必须是12位数字" in body
    body = client.post(reverse("org:create", args=[tree.township.pk]),
                       {"name": "新华村", "code": tree.village_a.code, "level": "village"}).content.decode()
    assert "已存在" in body
    assert not OrgUnit.objects.filter(name="新华村").exists()


def test_only_manage_org_may_change_the_tree(personas, tree, login):
    assert login(personas.chair).get(reverse("org:create", args=[tree.township.pk])).status_code == 403
    assert login(personas.viewer).post(reverse("org:close", args=[tree.village_a.pk]),
                                       {"active_to": "2026-01-01"}).status_code == 403


def test_a_merged_village_leaves_the_counts_but_stays_named(personas, tree, login):
    from banbiantian.core import services
    from banbiantian.core.forms import UnitField

    client = login(personas.county)
    assert "村(社区) 3 个" in client.get(reverse("dashboard")).content.decode()
    services.org_unit_close(by=personas.county, unit=tree.village_b, active_to=datetime.date(2026, 1, 1),
                            note="并入东塘村")
    assert "村(社区) 2 个" in client.get(reverse("dashboard")).content.decode()
    field = UnitField(queryset=OrgUnit.objects.all())
    assert field.label_from_instance(OrgUnit.objects.get(pk=tree.village_b.pk)) == "桥头村（村(社区)，已撤销）"
