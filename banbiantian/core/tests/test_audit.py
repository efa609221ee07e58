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


def test_codes_kept_outside_fields_and_linked_records_read_in_chinese(tree, personas):
    from banbiantian.core.audit import describe

    entries = [
        AuditEntry(object_type="rights.case", changes={"extension": "approved", "opened": "attachment:7"}),
        AuditEntry(object_type="planning.target", changes={"metric": "people.women"}),
        AuditEntry(object_type="care.programmes", changes={"filters": {"status": "approved", "q": "王"}}),
        AuditEntry(object_type="people.person", changes={"unit": [tree.village_a.pk, tree.village_b.pk]}),
        AuditEntry(object_type="core.user", changes={"username": "county_admin", "is_active": [True, False]}),
        AuditEntry(object_type="demo", changes={"seed": 2026, "people": 3000}),
        AuditEntry(object_type="rights.case", changes={"mediation": {"held_on": ["2026-01-02", "2026-01-03"]}}),
    ]
    lines = [[(str(label), before, after) for label, before, after in entry] for entry in describe(entries)]
    assert lines[0] == [("延期审批", None, "已批准"), ("打开", None, "附件 #7")]
    assert lines[1][0][2] not in ("people.women", None) and not lines[1][0][2].isascii()
    (label, _before, filters), = lines[2]  # a list's filters: the code's labels (several fields use it)
    assert label == "筛选条件" and filters.startswith("状态：已批准") and "approved" not in filters
    assert filters.endswith("；查询：王")
    assert lines[3][0][1:] == (tree.village_a.name, tree.village_b.name)  # linked records by name, not id
    assert lines[4][0][2] == "county_admin" and lines[4][1][1:] == ("是", "否")  # a user name is not a code
    assert lines[5] == [("随机种子", None, 2026), ("人数", None, 3000)]
    assert lines[6] == [("调解记录", None, "调解日期：2026-01-02 → 2026-01-03")]
    assert entries[2].object_label == "关爱帮扶"


def test_every_model_and_field_has_a_chinese_name():
    """The audit log names records and fields by their verbose names: an English default ("attachment",
    "created by") would show there. A new model or field without one fails here."""
    from django.apps import apps

    untranslated = []
    for model in apps.get_models():
        if not model.__module__.startswith("banbiantian."):
            continue
        if str(model._meta.verbose_name).isascii():
            untranslated.append(model._meta.label)
        untranslated += [f"{model._meta.label}.{f.name}" for f in model._meta.concrete_fields
                         if f.name != "id" and str(f.verbose_name).isascii()]
    assert untranslated == []


def test_every_change_key_the_code_writes_has_a_chinese_label():
    """A key of `changes={…}` that is not a field of some model needs a label in AUDIT_CHANGE_LABELS,
    or the audit log shows it as code (an AST read of every non-test module)."""
    import ast
    import pathlib

    from django.apps import apps

    from banbiantian.core.models import AUDIT_CHANGE_LABELS

    fields = {f.name for m in apps.get_models() if m.__module__.startswith("banbiantian.")
              for f in m._meta.concrete_fields}
    root = pathlib.Path(__file__).resolve().parents[2]
    unlabelled = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            dicts = []
            if isinstance(node, ast.keyword) and node.arg in ("changes", "extra"):
                dicts = [d for d in ast.walk(node.value) if isinstance(d, ast.Dict)]
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and any(
                    isinstance(t, ast.Name) and t.id == "changes" for t in node.targets):
                dicts = [node.value]
            for d in dicts:
                unlabelled |= {f"{path.relative_to(root)}: {k.value}" for k in d.keys
                               if isinstance(k, ast.Constant) and isinstance(k.value, str)
                               and k.value not in AUDIT_CHANGE_LABELS and k.value not in fields}
    assert sorted(unlabelled) == []
