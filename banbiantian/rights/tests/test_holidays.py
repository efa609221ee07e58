"""The holiday calendar: kept by the county admin on a page, used by every working-day deadline."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from banbiantian.core.models import AuditEntry
from banbiantian.rights import services
from banbiantian.rights.models import Holiday

pytestmark = pytest.mark.django_db


def test_official_calendars_are_preloaded():
    assert Holiday.objects.filter(day__year=2025, kind="off").count() == 1 + 8 + 3 + 5 + 3 + 8
    assert Holiday.objects.filter(day__year=2026, kind="off").count() == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert set(Holiday.objects.filter(kind="work", day__year=2026).values_list("day", flat=True)) == {
        datetime.date(2026, 1, 4), datetime.date(2026, 2, 14), datetime.date(2026, 2, 28),
        datetime.date(2026, 5, 9), datetime.date(2026, 9, 20), datetime.date(2026, 10, 10)}


def test_objection_deadline_of_an_assigned_case_skips_the_holidays(personas, new_case, monkeypatch):
    # Received on Friday 2026-02-13 from above: 2-14 (Saturday, worked) then the Spring Festival to 2-23.
    case = new_case(personas.chair, channel="assigned", received_on=datetime.date(2026, 2, 13))
    assert case.object_due == datetime.date(2026, 2, 27)


def test_county_admin_keeps_the_calendar_on_the_page(personas, login, new_case):
    client = login(personas.county)
    page = client.get(reverse("rights:holidays"), {"year": 2026}).content.decode()
    assert "春节" in page and "调休上班" in page
    # 2027: the county enters the next notice; a new day off moves the deadline.
    response = client.post(reverse("rights:holidays"), {"form": "add", "day": "2027-01-01", "kind": "off",
                                                         "name": "元旦"})
    assert response.status_code == 302
    assert Holiday.objects.get(day=datetime.date(2027, 1, 1)).name == "元旦"
    assert AuditEntry.objects.filter(object_type="rights.holiday", action="create").exists()
    bad = client.post(reverse("rights:holidays"), {"form": "add", "day": "2027-01-04", "kind": "work", "name": "元旦"})
    assert bad.status_code == 400 and "调休上班日应是周六或周日" in bad.content.decode()
    missing = client.post(reverse("rights:holidays"), {"form": "add", "day": "", "kind": "off", "name": ""})
    assert missing.status_code == 400 and "该字段是必填项" in missing.content.decode()
    holiday = Holiday.objects.get(day=datetime.date(2027, 1, 1))
    client.post(reverse("rights:holidays"), {"form": "delete", "holiday": holiday.pk})
    assert not Holiday.objects.filter(day=datetime.date(2027, 1, 1)).exists()
    assert AuditEntry.objects.filter(object_type="rights.holiday", action="delete").exists()
    assert client.post(reverse("rights:holidays"), {"form": "delete", "holiday": "x"}).status_code == 404


def test_only_the_county_admin_changes_the_calendar(personas, county_rights, login):
    for user in (personas.chair, county_rights):
        assert login(user).post(reverse("rights:holidays"), {"form": "add", "day": "2027-01-01", "kind": "off",
                                                             "name": "元旦"}).status_code == 403
        with pytest.raises(PermissionDenied):
            services.holiday_set(by=user, day=datetime.date(2027, 1, 1), kind="off", name="元旦")
    assert not Holiday.objects.filter(day=datetime.date(2027, 1, 1)).exists()
    with pytest.raises(ValidationError):
        services.holiday_set(by=personas.county, day=datetime.date(2027, 1, 1), kind="off", name=" ")
