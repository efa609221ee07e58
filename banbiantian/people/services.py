"""Writes to the people registry. Views, imports, commands and the API all come through here.

Every function is atomic and writes its audit entry in the same transaction: it either
completes or leaves no trace.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm, scope
from banbiantian.core.models import AuditEntry, Level, OrgUnit, User
from banbiantian.lib import idnumber
from banbiantian.lib.errors import Errors
from banbiantian.lib.phone import PhoneError, normalise_phone
from banbiantian.lib.unchanged import UNCHANGED, Unchanged, given
from banbiantian.transfer.models import ImportJob

from .choices import ETHNICITIES, Sex, normalise_ethnicity
from .models import GroupMembership, Household, Person, SpecialGroup
from .search import name_keys
from .selectors import same_person_q

# Fields a user edits; id_number, unit and derived fields are handled on their own.
PERSON_FIELDS = [
    "name", "sex", "birth_date", "phone", "ethnicity", "education", "political_status",
    "marital_status", "address", "relation_to_head", "note",
]
AUDITED_FIELDS = ["unit", "id_number", *PERSON_FIELDS, "household", "guardian"]


def _check_unit(by, unit: OrgUnit) -> None:
    """A unit a person is registered in, or moved to: within the user's scope, below the county, and open
    today. The form and the API refuse a closed unit too; this is the check every other path (imports,
    commands, other areas registering a petitioner) passes through."""
    if not unit.is_within(by.unit):
        raise ValidationError({"unit": _("所选单位不在您的管辖范围内。")})
    if unit.level in (Level.PROVINCE, Level.CITY, Level.COUNTY):
        raise ValidationError({"unit": _("人员应登记在乡镇、村(社区)或单位妇委会，不能直接登记在县级以上单位。")})
    if not unit.is_active:
        raise ValidationError({"unit": closed_unit_message(unit=unit)})


def closed_unit_message(*, unit: OrgUnit) -> str:
    if not unit.is_active_during(timezone.localdate(), datetime.date.max):  # closed, not merely opening later
        return _("“%(u)s”已于%(d)s撤销，不能再登记人员，请选择现有单位。") % {
            "u": unit.name, "d": unit.active_to.isoformat()}
    return _("“%(u)s”%(d)s才启用，现在还不能登记人员。") % {
        "u": unit.name, "d": unit.active_from.isoformat() if unit.active_from else ""}


def clean_person_data(*, name: str | None, sex: str | None | Unchanged = UNCHANGED,
                      birth_date: datetime.date | None | Unchanged = UNCHANGED,
                      phone: str | None | Unchanged = UNCHANGED,
                      ethnicity: str | None | Unchanged = UNCHANGED,
                      education: str | None | Unchanged = UNCHANGED,
                      political_status: str | None | Unchanged = UNCHANGED,
                      marital_status: str | None | Unchanged = UNCHANGED,
                      address: str | None | Unchanged = UNCHANGED,
                      relation_to_head: str | None | Unchanged = UNCHANGED,
                      note: str | None | Unchanged = UNCHANGED) -> dict:
    """Normalise and check the user-editable fields given (PERSON_FIELDS); raises ValidationError naming each
    bad field. The answer holds the name and each field passed, cleaned."""
    errors: dict[str, str] = {}
    cleaned = given(name=name, sex=sex, birth_date=birth_date, phone=phone, ethnicity=ethnicity, education=education,
                    political_status=political_status, marital_status=marital_status, address=address,
                    relation_to_head=relation_to_head, note=note)
    name = (cleaned.get("name") or "").strip()
    if not name:
        errors["name"] = _("姓名不能为空。")
    elif len(name) > 50:
        errors["name"] = _("姓名不能超过50个字。")
    cleaned["name"] = name
    if cleaned.get("phone"):
        try:
            cleaned["phone"] = normalise_phone(cleaned["phone"])
        except PhoneError as exc:
            errors["phone"] = str(exc)
    if "ethnicity" in cleaned and cleaned["ethnicity"]:
        ethnicity = normalise_ethnicity(cleaned["ethnicity"])
        if ethnicity is None:
            errors["ethnicity"] = _("“%(v)s”不是56个民族之一。") % {"v": cleaned["ethnicity"]}
        cleaned["ethnicity"] = ethnicity or ETHNICITIES[0]
    birth = cleaned.get("birth_date")
    if birth and birth > timezone.localdate():
        errors["birth_date"] = _("出生日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _apply_id_number(person: Person, raw: str | None, by) -> None:
    """Set id_number (and the birth date and sex it carries); refuse a number already registered."""
    if raw is None:
        return
    if not str(raw).strip():
        person.id_number = None
        return
    try:
        parsed = idnumber.parse(raw)
    except idnumber.IdNumberError as exc:
        raise ValidationError({"id_number": str(exc)}) from None
    existing = Person.objects.filter(id_number=parsed.number).exclude(pk=person.pk).select_related("unit").first()
    if existing is not None:
        visible = scope(Person.objects.filter(pk=existing.pk), by, "view_people").exists()
        if visible:
            msg = _("该身份证号已登记为“%(name)s”（%(unit)s），请勿重复登记。") % {
                "name": existing.name, "unit": existing.unit.name}
        else:
            msg = _("该身份证号已在其他单位登记，请联系上级妇联核实。")
        raise ValidationError({"id_number": msg})
    person.id_number = parsed.number
    if person.birth_date and person.birth_date != parsed.birth_date:
        raise ValidationError({"birth_date": _("出生日期与身份证号中的日期（%(d)s）不一致。") % {
            "d": parsed.birth_date.isoformat()}})
    person.birth_date = parsed.birth_date
    person.sex = parsed.sex


def _flag_duplicates(person: Person) -> None:
    """Same name in the same village with the same phone or the same birth date (a second registration of
    one woman, e.g. a second tap or Back then save): flag both records for a human to check."""
    same = same_person_q(person)
    if same is None:
        return
    others = Person.objects.filter(same)
    if others.exists():
        others.update(possible_duplicate=True)
        person.possible_duplicate = True
        Person.objects.filter(pk=person.pk).update(possible_duplicate=True)


def _save(person: Person) -> None:
    person.name_pinyin, person.name_initials = name_keys(person.name)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Two clerks saving the same number at once: the unique index decides.
        raise ValidationError({"id_number": _("该身份证号已登记，请勿重复登记。")}) from None


@transaction.atomic
def person_create(*, by: User, unit: OrgUnit, name: str, sex: str = Sex.FEMALE,
                  birth_date: datetime.date | None = None, phone: str = "", ethnicity: str = "汉族",
                  education: str = "", political_status: str = "", marital_status: str = "",
                  address: str = "", relation_to_head: str = "", note: str = "",
                  id_number: str | None = None, groups: Iterable[SpecialGroup] = (),
                  groups_start: datetime.date | None = None) -> Person:
    """The fields left out take the registry's defaults (a woman, 汉族, the rest blank).

    `groups`: the special groups ticked on the registration form, each held from `groups_start` (today
    when not given); a group she cannot hold (a children's group for an adult) refuses the whole
    registration, naming the group."""
    require_perm(by, "edit_people")
    # Every bad field is reported at once: a bad ID number is not hidden behind a bad phone.
    errors = Errors()
    with errors.collect():
        _check_unit(by, unit)
    cleaned = {"name": name, "birth_date": birth_date}
    with errors.collect():
        cleaned = clean_person_data(name=name, sex=sex, birth_date=birth_date, phone=phone, ethnicity=ethnicity,
                                    education=education, political_status=political_status,
                                    marital_status=marital_status, address=address,
                                    relation_to_head=relation_to_head, note=note)
    person = Person(unit=unit, created_by=by, **cleaned)
    for field in ("education", "political_status", "marital_status", "relation_to_head", "address", "note", "phone"):
        if getattr(person, field) is None:
            setattr(person, field, "")
    with errors.collect():
        _apply_id_number(person, id_number, by)
    errors.raise_if_any()
    _save(person)
    _flag_duplicates(person)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=person,
                 changes={k: [None, v] for k, v in audit.snapshot(person, AUDITED_FIELDS).items() if v not in ("", None)})
    for group in groups:
        try:
            membership_add(by=by, person=person, group=group, start_date=groups_start or timezone.localdate())
        except ValidationError as exc:
            raise ValidationError({"groups" if key == "group" else key: value
                                   for key, value in exc.message_dict.items()}) from None
    return person


@transaction.atomic
def person_update(*, by: User, person: Person, unit: OrgUnit | None = None, id_number: str | None = None,
                  name: str | Unchanged = UNCHANGED, sex: str | Unchanged = UNCHANGED,
                  birth_date: datetime.date | None | Unchanged = UNCHANGED,
                  phone: str | Unchanged = UNCHANGED, ethnicity: str | Unchanged = UNCHANGED,
                  education: str | Unchanged = UNCHANGED, political_status: str | Unchanged = UNCHANGED,
                  marital_status: str | Unchanged = UNCHANGED, address: str | Unchanged = UNCHANGED,
                  relation_to_head: str | Unchanged = UNCHANGED, note: str | Unchanged = UNCHANGED) -> Person:
    """A field left out (UNCHANGED) keeps its value, so the API's partial update and the whole form share this.
    `unit=None` keeps the unit and `id_number=None` the number (users who only see it masked never send it)."""
    require_perm(by, "edit_people")
    if not person.unit.is_within(by.unit):
        raise ValidationError(_("无权修改该人员。"))
    before = audit.snapshot(person, AUDITED_FIELDS)
    changes = given(name=name, sex=sex, birth_date=birth_date, phone=phone, ethnicity=ethnicity, education=education,
                    political_status=political_status, marital_status=marital_status, address=address,
                    relation_to_head=relation_to_head, note=note)
    errors = Errors()  # every bad field at once
    cleaned = {**{f: getattr(person, f) for f in PERSON_FIELDS}, **changes}
    with errors.collect():
        cleaned = clean_person_data(**cleaned)
    if unit is not None and unit.pk != person.unit_id:
        with errors.collect():
            _check_unit(by, unit)
            person.unit = unit
    for field in PERSON_FIELDS:
        value = cleaned.get(field)
        setattr(person, field, "" if value is None and field != "birth_date" else value)
    if id_number is not None and idnumber.normalise(id_number) != (person.id_number or ""):
        with errors.collect():
            _apply_id_number(person, id_number, by)
    errors.raise_if_any()
    _save(person)
    _flag_duplicates(person)
    changes = audit.diff(before, audit.snapshot(person, AUDITED_FIELDS))
    if "id_number" in changes:
        changes["id_number"] = [idnumber.mask(changes["id_number"][0] or ""), idnumber.mask(changes["id_number"][1] or "")]
    if changes:
        audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=person, changes=changes)
    return person


@transaction.atomic
def person_reveal_id_number(*, by: User, person: Person, ip_address: str | None = None) -> str:
    """The full ID number, for those allowed; every look is logged."""
    require_perm(by, "view_id_number")
    audit.record(actor=by, action=AuditEntry.Action.VIEW, obj=person, changes={"field": "id_number"},
                 ip_address=ip_address)
    return person.id_number or ""


@transaction.atomic
def membership_add(*, by: User, person: Person, group: SpecialGroup, start_date: datetime.date,
                   end_date: datetime.date | None = None, note: str = "") -> GroupMembership:
    require_perm(by, "edit_people")
    errors = Errors()
    if end_date and end_date < start_date:
        errors.add("end_date", _("结束日期不能早于起始日期。"))
    if group.for_children and person.birth_date and person.age is not None and person.age >= 18:
        errors.add("group", _("“%(g)s”只适用于未满18周岁的儿童。") % {"g": group.name})
    elif person.memberships.filter(group=group, end_date__isnull=True).exists():
        errors.add("group", _("该人员已在“%(g)s”群体中，请先结束原有记录。") % {"g": group.name})
    errors.raise_if_any()
    membership = GroupMembership.objects.create(person=person, group=group, start_date=start_date,
                                                end_date=end_date, note=note)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=membership, unit=person.unit,
                 changes={"group": [None, group.name], "start_date": [None, str(start_date)]})
    return membership


@transaction.atomic
def membership_end(*, by: User, membership: GroupMembership, end_date: datetime.date) -> GroupMembership:
    require_perm(by, "edit_people")
    if end_date < membership.start_date:
        raise ValidationError({"end_date": _("结束日期不能早于起始日期。")})
    before = membership.end_date
    membership.end_date = end_date
    membership.save(update_fields=["end_date"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=membership, unit=membership.person.unit,
                 changes={"end_date": [str(before) if before else None, str(end_date)]})
    return membership


@transaction.atomic
def household_create(*, by: User, head: Person, address: str = "") -> Household:
    require_perm(by, "edit_people")
    household = Household.objects.create(unit=head.unit, address=address or head.address)
    head.household = household
    head.relation_to_head = "head"
    head.save(update_fields=["household", "relation_to_head", "updated_at"])
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=household, unit=head.unit,
                 changes={"head": [None, head.name]})
    return household


@transaction.atomic
def household_add_member(*, by: User, household: Household, person: Person, relation: str) -> Person:
    require_perm(by, "edit_people")
    if relation == "head" and household.members.filter(relation_to_head="head").exclude(pk=person.pk).exists():
        raise ValidationError({"relation": _("一个家庭户只能有一位户主。")})
    before = person.household_id
    person.household = household
    person.relation_to_head = relation
    person.save(update_fields=["household", "relation_to_head", "updated_at"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=person,
                 changes={"household": [before, household.pk], "relation_to_head": [None, relation]})
    return person


@transaction.atomic
def person_set_guardian(*, by: User, person: Person, guardian: Person | None) -> Person:
    require_perm(by, "edit_people")
    if guardian is not None and guardian.pk == person.pk:
        raise ValidationError({"guardian": _("监护人不能是本人。")})
    before = str(person.guardian) if person.guardian_id else None
    person.guardian = guardian
    person.save(update_fields=["guardian", "updated_at"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=person,
                 changes={"guardian": [before, str(guardian) if guardian else None]})
    return person


# Columns an import may set; on an update only the columns present in the file are overwritten.
IMPORT_FIELDS = ["name", "sex", "birth_date", "phone", "ethnicity", "education", "political_status",
                 "marital_status", "address", "relation_to_head", "note"]


@transaction.atomic
def person_import_batch(*, by: User, unit: OrgUnit, rows: list[dict], mapped: set, batch: int,
                        job: ImportJob | None = None) -> dict:
    """Write one batch of checked import rows (banbiantian.people.transfer) in one transaction.

    Each row dict holds the cleaned fields, "id_number", "groups" (SpecialGroup list),
    "action" ("create", "update" or "skip"), "existing" (the matched Person) and "name_keys".
    Any failure rolls the whole batch back. One audit entry sums up the batch.
    """
    require_perm(by, "edit_people")
    require_perm(by, "import_data")
    _check_unit(by, unit)
    # A unit column names villages under the chosen unit: each must take the row's new person, or the
    # person moved there (an update that keeps a person in her merged village leaves her be).
    placed = {row["unit"].pk: row["unit"] for row in rows if row.get("unit") and (
        row["action"] == "create" or (row["action"] == "update" and "unit" in mapped
                                      and row["unit"].pk != row["existing"].unit_id))}
    for row_unit in placed.values():
        _check_unit(by, row_unit)
    now = timezone.now()
    fields = [f for f in IMPORT_FIELDS if f in mapped or f in ("name", "sex", "birth_date", "ethnicity")]
    creates, updates, skipped = [], [], 0
    changes: list[tuple[int, dict]] = []  # (pk, {field: value}) for matched people whose data differ
    group_rows = []
    for row in rows:
        if row["action"] == "skip":
            skipped += 1
            continue
        if row["action"] == "update":
            person = row["existing"]
            if person.unit_id != unit.pk and not person.unit.is_within(by.unit):
                raise ValidationError({"id_number": _("该身份证号已在其他单位登记，请联系上级妇联核实。")})
            # Blank cells leave what is registered alone; only values that differ are written.
            changed = {}
            for f in fields:
                value = row.get(f)
                if f in row.get("blank", ()) or (value is None and f == "birth_date"):
                    continue
                value = "" if value is None else value
                if getattr(person, f) != value:
                    changed[f] = value
            if row.get("id_number") and row["id_number"] != person.id_number:
                changed["id_number"] = row["id_number"]
            if "unit" in mapped and row.get("unit") and row["unit"].pk != person.unit_id:
                changed["unit"] = row["unit"]
            if "name" in changed:
                changed["name_pinyin"], changed["name_initials"] = row["name_keys"]
            for f, value in changed.items():
                setattr(person, f, value)
            if changed:
                changed["updated_at"] = now
                changes.append((person.pk, changed))
            updates.append(person)
            group_rows.append((person, row.get("groups") or [], row.get("groups_since")))
            continue
        person = Person(unit=row.get("unit") or unit, created_by=by, id_number=row.get("id_number") or None,
                        **{f: row.get(f) if row.get(f) is not None or f == "birth_date" else ""
                           for f in IMPORT_FIELDS})
        person.name_pinyin, person.name_initials = row["name_keys"]
        creates.append(person)
        group_rows.append((person, row.get("groups") or [], row.get("groups_since")))
    try:
        with transaction.atomic():
            Person.objects.bulk_create(creates)
            # One UPDATE per changed person: bulk_update's CASE expressions cost ~5 ms a row to build.
            for pk, values in changes:
                Person.objects.filter(pk=pk).update(**values)
    except IntegrityError:
        raise ValidationError({"id_number": _("有身份证号已被同时登记，请重新导入本批。")}) from None
    # Special groups: add the ones a person does not already hold (open memberships).
    updated_ids = [p.pk for p in updates]
    held = set(GroupMembership.objects.filter(person_id__in=updated_ids, end_date__isnull=True).values_list(
        "person_id", "group_id")) if updated_ids else set()
    today = timezone.localdate()
    # From the ledger's 认定日期 when it has one, else today.
    memberships = [GroupMembership(person=p, group=g, start_date=since or today)
                   for p, groups, since in group_rows for g in groups if (p.pk, g.pk) not in held]
    GroupMembership.objects.bulk_create(memberships)
    # Same name with the same phone or birth date in the same village: flag them for a human, as the form does.
    touched = [p for p, _g, _s in group_rows if p.birth_date or p.phone]
    if touched:
        from collections import defaultdict

        # Matched in Python, then one update by id: a Q per pair costs seconds to build for a big batch.
        candidates = Person.objects.filter(
            unit_id__in={p.unit_id for p in touched}, name__in={p.name for p in touched},
        ).values_list("pk", "unit_id", "name", "birth_date", "phone", "possible_duplicate")
        groups = defaultdict(set)
        flagged = set()
        for pk, unit_id, name, birth, phone, already in candidates:
            if already:
                flagged.add(pk)
            if birth:
                groups[(unit_id, name, "birth", birth)].add(pk)
            if phone:
                groups[(unit_id, name, "phone", phone)].add(pk)
        ids = sorted({pk for pks in groups.values() if len(pks) > 1 for pk in pks} - flagged)
        for start in range(0, len(ids), 500):
            Person.objects.filter(pk__in=ids[start:start + 500]).update(possible_duplicate=True)
    first, last = rows[0]["row"], rows[-1]["row"]
    audit.record(actor=by, action=AuditEntry.Action.CREATE, unit=unit, object_type="people.person",
                 object_repr=_("批量导入第%(b)d批（第%(f)d—%(l)d行）") % {"b": batch, "f": first, "l": last},
                 object_id=f"import:{getattr(job, 'pk', '') or ''}:{batch}",
                 changes={"import_job": getattr(job, "pk", None), "batch": batch, "rows": [first, last],
                          "created": len(creates), "updated": len(updates), "changed": len(changes),
                          "skipped": skipped,
                          "memberships": len(memberships)})
    return {"created": len(creates), "updated": len(updates), "skipped": skipped}


# Filled on the record kept from the merged one when the kept one has them blank.
MERGE_FILLED = ["birth_date", "phone", "ethnicity", "education", "political_status", "marital_status", "address",
                "relation_to_head", "household", "guardian"]


def _records_pointing_at_people() -> list:
    """Every (model, field) in any area that refers to a person (found from the models, not listed here)."""
    return [(rel.related_model, rel.field.name) for rel in Person._meta.get_fields(include_hidden=True)
            if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)]


@transaction.atomic
def person_merge(*, by: User, duplicate: Person, into: Person) -> Person:
    """合并重复登记: every record of `duplicate` in every area (cases, care, memberships …) now belongs to `into`,
    blanks of `into` are filled from it, and the duplicate registration is removed. Both are audited."""
    require_perm(by, "edit_people")
    for person in (duplicate, into):
        if not person.unit.is_within(by.unit):
            raise ValidationError(_("无权修改该人员。"))
    if duplicate.pk == into.pk:
        raise ValidationError(_("不能与本人合并。"))
    duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)
    into = Person.objects.select_for_update().get(pk=into.pk)
    if duplicate.id_number and into.id_number and duplicate.id_number != into.id_number:
        raise ValidationError(_("两条记录的身份证号不同，是两个人，不能合并。"))
    before = audit.snapshot(into, AUDITED_FIELDS)
    moved = {}
    for model, field in _records_pointing_at_people():
        if model is Person and field == "guardian":
            count = Person.objects.filter(guardian=duplicate).exclude(pk=into.pk).update(guardian=into)
        else:
            try:
                with transaction.atomic():
                    count = model._base_manager.filter(**{field: duplicate}).update(**{field: into})
            except IntegrityError:
                raise ValidationError(_("两人在“%(m)s”中各有一条记录，请先更正其中一条再合并。") % {
                    "m": model._meta.verbose_name}) from None
        if count:
            moved[str(model._meta.verbose_name)] = count
    for field in MERGE_FILLED:
        if not getattr(into, field) and getattr(duplicate, field):
            setattr(into, field, getattr(duplicate, field))
    number = duplicate.id_number
    duplicate_repr = f"{duplicate.name}（{duplicate.unit.name}，#{duplicate.pk}）"
    audit.record(actor=by, action=AuditEntry.Action.DELETE, obj=duplicate,
                 changes={"merged_into": [None, f"{into.name} #{into.pk}"], "moved": moved})
    duplicate.delete()
    if number and not into.id_number:
        _apply_id_number(into, number, by)
    into.possible_duplicate = False
    _save(into)
    _flag_duplicates(into)
    changes = audit.diff(before, audit.snapshot(into, AUDITED_FIELDS))
    if "id_number" in changes:
        changes["id_number"] = [idnumber.mask(changes["id_number"][0] or ""), idnumber.mask(changes["id_number"][1] or "")]
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=into,
                 changes={**changes, "merged": [None, duplicate_repr], "moved": moved})
    return into


@transaction.atomic
def person_not_duplicate(*, by: User, person: Person) -> Person:
    """A human checked the 疑似重复 flag: they are different people (same name and birthday happen)."""
    require_perm(by, "edit_people")
    if not person.unit.is_within(by.unit):
        raise ValidationError(_("无权修改该人员。"))
    if person.possible_duplicate:
        Person.objects.filter(pk=person.pk).update(possible_duplicate=False)
        person.possible_duplicate = False
        audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=person,
                     changes={"possible_duplicate": [True, False]})
    return person


MEMBERSHIP_FIELDS = ["start_date", "end_date", "note"]


@transaction.atomic
def membership_correct(*, by: User, membership: GroupMembership, start_date: datetime.date,
                       end_date: datetime.date | None = None, note: str = "") -> GroupMembership:
    """Correct a special-group record's dates or note (its group stays; a wrong group is voided instead)."""
    require_perm(by, "edit_people")
    if not membership.person.unit.is_within(by.unit):
        raise ValidationError(_("无权修改该人员。"))
    errors = {}
    if start_date > timezone.localdate():
        errors["start_date"] = _("起始日期不能晚于今天。")
    if end_date and end_date < start_date:
        errors["end_date"] = _("结束日期不能早于起始日期。")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(membership, MEMBERSHIP_FIELDS)
    membership.start_date, membership.end_date, membership.note = start_date, end_date, note
    membership.save(update_fields=MEMBERSHIP_FIELDS)
    changes = audit.diff(before, audit.snapshot(membership, MEMBERSHIP_FIELDS))
    if changes:
        audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=membership, unit=membership.person.unit,
                     changes=changes)
    return membership


@transaction.atomic
def membership_void(*, by: User, membership: GroupMembership, reason: str) -> None:
    """A special-group record entered by mistake (wrong group, wrong person) is removed; the log keeps it."""
    require_perm(by, "edit_people")
    if not membership.person.unit.is_within(by.unit):
        raise ValidationError(_("无权修改该人员。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写作废原因。")})
    audit.record(actor=by, action=AuditEntry.Action.DELETE, obj=membership, unit=membership.person.unit,
                 changes={**{k: [v, None] for k, v in audit.snapshot(membership, ["group", *MEMBERSHIP_FIELDS]).items()},
                          "reason": reason.strip()})
    membership.delete()


@transaction.atomic
def household_remove_member(*, by: User, person: Person) -> Person:
    """She left the household (married out, moved, entered by mistake): she stays in the registry, alone."""
    require_perm(by, "edit_people")
    if not person.unit.is_within(by.unit):
        raise ValidationError(_("无权修改该人员。"))
    if not person.household_id:
        raise ValidationError(_("该人员不属于任何家庭户。"))
    before = (person.household_id, person.relation_to_head)
    person.household = None
    person.relation_to_head = ""
    person.save(update_fields=["household", "relation_to_head", "updated_at"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=person,
                 changes={"household": [before[0], None], "relation_to_head": [before[1], ""]})
    return person


def children_viewed(*, by: User, children: list, what: str, object_type: str = "people.person",
                    ip_address: str | None = None) -> None:
    """A page or file showed children's records (a minor's page, the census, Spring Bud girls):
    only for those with view_children (PermissionDenied otherwise, checked before any transaction),
    and one audit entry naming them (core.services.records_viewed, atomic by itself)."""
    require_perm(by, "view_children")
    from banbiantian.core import services as core_services

    core_services.records_viewed(by=by, object_type=object_type, what=what, records=list(children),
                                 ip_address=ip_address)
