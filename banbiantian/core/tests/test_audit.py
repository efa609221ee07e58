import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry
from banbiantian.people import services


def test_audit_rows_cannot_be_changed_or_deleted(personas, tree):
    person = make_person(tree.village_a)
    services.person_reveal_id_number(by=personas.chair, person=person)
    entry = AuditEntry.objects.get()
    with pytest.raises(ValidationError):
        entry.delete()
    entry.object_repr = "changed"
    with pytest.raises(ValidationError):
        entry.save()


def test_county_admin_browses_and_filters(personas, tree, login):
    person = make_person(tree.village_a, "王秀英")
    services.person_update(by=personas.village_a, person=person, phone="13900001111")
    services.person_reveal_id_number(by=personas.chair, person=person)
    client = login(personas.county)
    body = client.get(reverse("audit:list")).content.decode()
    assert "王秀英" in body and "联系电话" in body and "13900001111" in body
    body = client.get(reverse("audit:list"), {"action": "view"}).content.decode()
    assert "查看敏感信息" in body and "13900001111" not in body
    body = client.get(reverse("audit:list"), {"actor": "village_a"}).content.decode()
    assert "13900001111" in body


def test_audit_is_for_county_admins_only(personas, login):
    assert login(personas.chair).get(reverse("audit:list")).status_code == 403
    assert login(personas.viewer).get(reverse("audit:list")).status_code == 403


def test_audit_page_has_no_way_to_delete(personas, login):
    client = login(personas.county)
    assert client.post(reverse("audit:list")).status_code == 405
    assert client.delete(reverse("audit:list")).status_code == 405


def test_a_failed_service_leaves_no_audit_row(personas, tree):
    person = make_person(tree.village_a)
    with pytest.raises(ValidationError):
        services.person_update(by=personas.village_a, person=person, phone="123")
    assert not AuditEntry.objects.exists()


def test_audit_page_names_records_and_changes_in_chinese(personas, tree, login):
    from banbiantian.core import audit
    from banbiantian.core.models import AuditEntry

    person = make_person(tree.village_a, "李春花")
    services.person_update(by=personas.village_a, person=person, phone="13900002222")
    audit.record(actor=personas.county, action=AuditEntry.Action.VIEW, unit=tree.county,
                 object_type="metric:rights.cases_received", object_id="2026", object_repr="收到信访件",
                 changes={"records": [1, 2], "rows": 2})
    client = login(personas.county)
    body = client.get(reverse("audit:list")).content.decode()
    assert "people.person#" not in body and "metric:rights" not in body and "records：" not in body
    assert "人员" in body and "统计指标明细" in body and "查看的记录" in body and "行数" in body
    only_metrics = client.get(reverse("audit:list"), {"object_type": "metric"}).content.decode()
    assert "收到信访件" in only_metrics and "李春花" not in only_metrics
    only_people = client.get(reverse("audit:list"), {"object_type": "people.person"}).content.decode()
    assert "李春花" in only_people and "收到信访件" not in only_people
