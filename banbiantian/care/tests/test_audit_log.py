"""The audit log of care records reads in Chinese, names people, keeps the address of writes, and a
list page of sensitive records writes one entry naming them (issue 11, class 7)."""

import re

from django.urls import reverse

from banbiantian.care import services
from banbiantian.care.models import Result
from banbiantian.conftest import make_person
from banbiantian.core import audit
from banbiantian.core.models import AuditEntry


def _ascii_only(text) -> bool:
    return bool(re.fullmatch(r"[a-z_][a-z_:.]*", str(text)))  # a code or a field name as stored


def test_the_audit_list_shows_a_care_record_in_chinese_with_names(care, personas, login):
    body = login(personas.county).get(reverse("audit:list"), {"object_type": "care.pairing"}).content.decode()
    assert "结对" in body  # the model's name
    assert "帮扶人身份" in body and "爱心妈妈" in body and "caring_mother" not in body  # field and choice labels
    assert "李爱华" in body and "王秀英" in body  # helper and beneficiary by name, not by id
    row = re.search(r"帮扶人</strong>：([^<]*)<", body)
    assert row and row.group(1).strip() == "李爱华"


def test_every_entry_of_one_of_every_care_record_reads_in_chinese(care, personas):
    entries = list(AuditEntry.objects.all())
    assert len(entries) > 15
    for entry, lines in zip(entries, audit.describe(entries), strict=True):
        assert not _ascii_only(entry.object_label), entry.object_type
        for label, before, after in lines:
            assert not _ascii_only(label), (entry.object_type, label)
            for value in (before, after):
                assert not (isinstance(value, str) and _ascii_only(value)), (entry.object_type, label, value)


def test_a_write_through_a_page_keeps_the_address_it_came_from(care, personas, login):
    client = login(personas.chair)
    client.post(reverse("care:pairing_end", args=[care.pairing.pk]), {"end_date": str(care.today), "confirm": "on"},
                REMOTE_ADDR="10.20.30.40")
    entry = AuditEntry.objects.filter(object_type="care.pairing", action="update").latest("id")
    assert entry.ip_address == "10.20.30.40"
    body = login(personas.county).get(reverse("audit:list"), {"object_type": "care.pairing"}).content.decode()
    assert "10.20.30.40" in body


def test_a_page_of_twenty_screened_women_is_one_entry_naming_them(care, personas, login, tree):
    women = [make_person(tree.village_a, f"筛查{i:02d}") for i in range(20)]
    for woman in women:
        services.consent_record(by=personas.chair, person=woman, kind="health", basis="consent", given_on=care.today)
        services.screening_result_record(by=personas.chair, campaign=care.campaign, person=woman, result=Result.NORMAL)
    before = AuditEntry.objects.filter(action="view").count()
    client = login(personas.chair)
    client.get(reverse("care:campaign", args=[care.campaign.pk]))
    entries = AuditEntry.objects.filter(action="view")[: AuditEntry.objects.filter(action="view").count() - before]
    assert len(entries) == 1
    entry = entries[0]
    assert entry.object_type == "care.screeningresult" and entry.actor == personas.chair
    shown = {r["name"] for r in entry.changes["records"]}
    assert len(shown) == 20 and shown <= {w.name for w in women} | {care.woman.name}  # a page of the 21 women
    body = login(personas.county).get(reverse("audit:list"), {"action": "view"}).content.decode()
    assert "筛查00、" in body and "20人" in body


def test_the_relief_list_and_the_person_page_log_once_per_view(care, personas, login):
    client = login(personas.chair)
    for url in (reverse("care:relief"), reverse("care:person", args=[care.woman.pk])):
        before = AuditEntry.objects.filter(action="view").count()
        client.get(url)
        assert AuditEntry.objects.filter(action="view").count() == before + 1
