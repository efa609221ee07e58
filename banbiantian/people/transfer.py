"""The people registry's columns for the import engine (banbiantian.transfer.engine) and exports.

Rows are checked with the same rules as the forms and services (clean_person_data, the
ID-number parser, the ethnicity and phone normalisers) and written through
services.person_import_batch, one transaction per batch.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banbiantian.core.models import Level, OrgUnit
from banbiantian.lib import idnumber
from banbiantian.lib.xlsx import cells
from banbiantian.transfer.engine import Column, Registry, Row

from . import services
from .choices import ETHNICITIES, Education, MaritalStatus, PoliticalStatus, Relation, Sex
from .models import Person, SpecialGroup
from .search import name_keys


def _labels(choices) -> dict[str, str]:
    return {str(label): value for value, label in choices.choices}


SEX = {**_labels(Sex), "女性": "F", "男性": "M", "F": "F", "M": "M"}
EDUCATION = {**_labels(Education), "文盲": "none", "无": "none", "高中": "senior", "中专": "senior", "职高": "senior",
             "技校": "senior", "大学": "bachelor", "大学本科": "bachelor", "专科": "college", "大学专科": "college",
             "硕士": "postgraduate", "博士": "postgraduate", "硕士研究生": "postgraduate"}
POLITICAL = {**_labels(PoliticalStatus), "党员": "cpc", "中共": "cpc", "预备党员": "cpc_probationary", "团员": "cyl",
             "共青团": "cyl"}
MARITAL = {**_labels(MaritalStatus), "离婚": "divorced", "单身": "single", "已婚有配偶": "married", "初婚": "married",
           "再婚": "married"}
RELATION = {**_labels(Relation), "本人": "head", "妻": "spouse", "夫": "spouse", "妻子": "spouse", "丈夫": "spouse",
            "子": "child", "女": "child", "儿子": "child", "女儿": "child", "长女": "child", "长子": "child",
            "次女": "child", "次子": "child", "父亲": "parent", "母亲": "parent", "孙女": "grandchild",
            "孙子": "grandchild"}

COLUMNS = [
    Column("name", gettext_lazy("姓名"), ("名字", "妇女姓名", "姓 名"), required=True, example="王秀英"),
    Column("id_number", gettext_lazy("身份证号"), ("身份证号码", "公民身份证号码", "公民身份号码", "身份号码", "证件号码"),
           help=gettext_lazy("18位（旧证15位），请设为文本格式"), example="330122198503120023"),
    Column("sex", gettext_lazy("性别"), (), choices=("女", "男"), help=gettext_lazy("有身份证号时以身份证号为准")),
    Column("birth_date", gettext_lazy("出生日期"), ("出生年月", "出生年月日", "生日"),
           help=gettext_lazy("如 1985-03-12、1985.03 或 1985年3月"), example="1985-03-12"),
    Column("ethnicity", gettext_lazy("民族"), (), choices=tuple(ETHNICITIES), help=gettext_lazy("可写“汉”或“汉族”"), example="汉族"),
    Column("phone", gettext_lazy("联系电话"), ("电话", "手机", "手机号", "手机号码", "联系方式", "电话号码"), example="13812345678"),
    Column("education", gettext_lazy("文化程度"), ("学历",), choices=tuple(str(x.label) for x in Education)),
    Column("political_status", gettext_lazy("政治面貌"), (), choices=tuple(str(x.label) for x in PoliticalStatus)),
    Column("marital_status", gettext_lazy("婚姻状况"), ("婚姻状态", "婚否"), choices=tuple(str(x.label) for x in MaritalStatus)),
    Column("address", gettext_lazy("家庭住址"), ("住址", "地址", "居住地址", "现住址", "家庭地址")),
    Column("relation_to_head", gettext_lazy("与户主关系"), ("户主关系", "关系"), choices=tuple(str(x.label) for x in Relation)),
    Column("groups", gettext_lazy("特殊群体"), ("群体类别", "人员类别", "类别", "特殊群体类别"),
           help=gettext_lazy("可填多个，用“、”“，”或“/”分开")),
    Column("groups_since", gettext_lazy("认定日期"), ("群体认定日期", "认定时间", "纳入日期", "纳入时间", "享受起始日期"),
           help=gettext_lazy("特殊群体的认定(纳入)日期，如 2025-03-01；留空按导入当天"), example="2025-03-01"),
    Column("note", gettext_lazy("备注"), ("说明",)),
    Column("unit", gettext_lazy("所属村(社区)"), ("所属村", "村(社区)", "村社区", "村名", "所在村", "社区", "所属单位", "村别"),
           help=gettext_lazy("乡镇一次导入多个村时填写；留空则登记到导入时选择的单位")),
]
_CHOICE_COLUMNS = {"education": (EDUCATION, gettext_lazy("文化程度")), "political_status": (POLITICAL, gettext_lazy("政治面貌")),
                   "marital_status": (MARITAL, gettext_lazy("婚姻状况")), "relation_to_head": (RELATION, gettext_lazy("与户主关系"))}
_TEXT_LIMITS = {"address": 200, "note": 2000}


class PeopleRegistry(Registry):
    name = "people"
    label = gettext_lazy("人员信息")
    columns = COLUMNS
    permissions = ("import_data", "edit_people")

    def context(self, *, by, unit, mode):
        ctx = super().context(by=by, unit=unit, mode=mode)
        ctx["groups"] = {g.name: g for g in SpecialGroup.objects.all()}
        ctx["seen_ids"] = {}  # id number -> first row in this file
        ctx["seen_names"] = {}  # (name, birth) -> first row, for rows without an id number
        ctx["name_keys"] = {}  # pinyin computed once per distinct name
        units = OrgUnit.objects.filter(path__startswith=unit.path, level__in=[Level.TOWNSHIP, Level.VILLAGE,
                                                                            Level.COMMITTEE])
        ctx["units"] = {}
        for u in units:
            ctx["units"].setdefault(u.name, u)
        return ctx

    def _unit(self, row: Row, ctx: dict):
        try:
            name = cells.text(row.raw.get("unit")).replace(" ", "")
        except cells.CellError as exc:
            row.error("unit", str(exc))
            return ctx["unit"]
        if not name:
            return ctx["unit"]
        units = ctx["units"]
        found = units.get(name) or units.get(name + "村") or units.get(name + "社区")
        if found is None:
            row.error("unit", _("“%(n)s”不是“%(u)s”下属的乡镇或村(社区)。") % {"n": name, "u": ctx["unit"].name})
            return ctx["unit"]
        return found

    def clean_row(self, row: Row, ctx: dict) -> None:
        raw = row.raw
        data: dict = {}
        try:
            data["name"] = cells.text(raw.get("name"))
        except cells.CellError as exc:
            row.error("name", str(exc))
        parsed = None
        try:
            number = cells.id_number_text(raw.get("id_number"))
        except cells.CellError as exc:
            row.error("id_number", str(exc))
            number = ""
        if number:
            try:
                parsed = idnumber.parse(number)
            except idnumber.IdNumberError as exc:
                row.error("id_number", str(exc))
            else:
                if parsed.upgraded_from:
                    row.warn("id_number", _("15位旧身份证号已升级为18位：%(n)s。") % {"n": idnumber.mask(parsed.number)})
        birth, day_known = None, True
        try:
            birth, day_known = cells.partial_date(raw.get("birth_date"))
        except cells.CellError as exc:
            row.error("birth_date", str(exc))
        if parsed:
            if birth and (birth.year, birth.month, birth.day if day_known else 1) != (
                    parsed.birth_date.year, parsed.birth_date.month, parsed.birth_date.day if day_known else 1):
                row.error("birth_date", _("出生日期与身份证号中的日期（%(d)s）不一致。") % {
                    "d": parsed.birth_date.isoformat()})
            birth = parsed.birth_date
        elif birth and not day_known:
            row.warn("birth_date", _("只有年月，日期按当月1日登记。"))
        data["birth_date"] = birth
        data["id_number"] = parsed.number if parsed else None
        try:
            sex = cells.choice(raw.get("sex"), SEX, _("性别"))
        except cells.CellError as exc:
            row.error("sex", str(exc))
            sex = ""
        if parsed:
            if sex and sex != parsed.sex:
                row.warn("sex", _("性别与身份证号不符，按身份证号登记为“%(s)s”。") % {"s": Sex(parsed.sex).label})
            sex = parsed.sex
        data["sex"] = sex or Sex.FEMALE
        for key in ("phone", "ethnicity", "address", "note"):
            try:
                data[key] = cells.text(raw.get(key))
            except cells.CellError as exc:
                row.error(key, str(exc))
        for key, limit in _TEXT_LIMITS.items():
            if len(data.get(key) or "") > limit:
                row.error(key, _("不能超过%(n)d个字。") % {"n": limit})
        if not data.get("ethnicity"):
            data["ethnicity"] = ETHNICITIES[0]
        for key, (mapping, label) in _CHOICE_COLUMNS.items():
            try:
                data[key] = cells.choice(raw.get(key), mapping, label)
            except cells.CellError as exc:
                row.error(key, str(exc))
        groups = []
        try:
            names = cells.split_list(raw.get("groups"))
        except cells.CellError as exc:
            row.error("groups", str(exc))
            names = []
        for name in dict.fromkeys(names):
            group = ctx["groups"].get(name) or ctx["groups"].get(name.removesuffix("人员"))
            if group is None:
                row.warn("groups", _("“%(g)s”不是系统中的特殊群体，未登记该项。") % {"g": name})
            elif group.for_children and birth and _age(birth) >= 18:
                row.warn("groups", _("“%(g)s”只适用于未满18周岁的儿童，未登记该项。") % {"g": group.name})
            else:
                groups.append(group)
        # The same checks as the registration form (name, phone, ethnicity, birth date not in the future).
        try:
            cleaned = services.clean_person_data(**{k: data.get(k) for k in ("name", "phone", "ethnicity", "birth_date")})
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                row.error(key, "；".join(messages))
        else:
            data.update(cleaned)
        if data.get("id_number"):
            first = ctx["seen_ids"].setdefault(data["id_number"], row.where)
            if first != row.where:
                row.error("id_number", _("与本文件%(w)s的身份证号重复。") % {"w": first})
        elif data.get("name") and not row.errors:
            row.warn("id_number", _("未填身份证号：按姓名和出生日期查找是否已登记。"))
            first = ctx["seen_names"].setdefault((data["name"], birth), row.where)
            if first != row.where:
                row.error("name", _("与本文件%(w)s的姓名、出生日期相同且都没有身份证号，无法区分。") % {"w": first})
        data["groups"] = groups
        # The ledger's date of the groups (a woman recognised as 留守妇女 last year counts in last year's figures).
        data["groups_since"] = row.parse("groups_since", lambda v: cells.past_date(v, timezone.localdate()))
        if data["groups_since"] and not groups:
            row.warn("groups_since", _("没有特殊群体，认定日期未导入。"))
        # Cells left blank in the file: an update keeps what is registered (sex and birth come from the number).
        data["blank"] = {k for k, v in raw.items() if v is None or (isinstance(v, str) and not v.strip())}
        if parsed:
            data["blank"] -= {"sex", "birth_date"}
        data["unit"] = self._unit(row, ctx) if "unit" in raw else ctx["unit"]
        row.data = data

    def resolve_batch(self, rows: list[Row], ctx: dict) -> None:
        by, unit = ctx["by"], ctx["unit"]
        numbers = [r.data["id_number"] for r in rows if not r.errors and r.data.get("id_number")]
        names = {r.data["name"] for r in rows if not r.errors and not r.data.get("id_number")}
        existing = {p.id_number: p for p in Person.objects.filter(id_number__in=numbers).select_related("unit")}
        by_name = {}
        if names:
            for p in Person.objects.filter(unit__path__startswith=unit.path, id_number__isnull=True,
                                           name__in=names).select_related("unit"):
                by_name.setdefault((p.unit_id, p.name, p.birth_date), p)
        for r in rows:
            if r.errors:
                continue
            number = r.data.get("id_number")
            person = existing.get(number) if number else by_name.get(
                (r.data["unit"].pk, r.data["name"], r.data["birth_date"]))
            if person is None:
                r.action = "create"
                if not r.data["unit"].is_active:  # a merged village takes no new people (services check it too)
                    r.error("unit", services.closed_unit_message(unit=r.data["unit"]))
            elif not person.unit.is_within(by.unit):
                r.error("id_number", _("该身份证号已在其他单位登记，请联系上级妇联核实。"))
            elif ctx["mode"] == "skip":
                r.action = "skip"
                r.data["existing"] = person
            else:
                r.action = "update"
                r.data["existing"] = person

    def write_batch(self, rows: list[Row], ctx: dict, *, batch: int) -> dict:
        cache = ctx["name_keys"]
        for r in rows:
            name = r.data["name"]
            if name not in cache:
                cache[name] = name_keys(name)
            r.data["name_keys"] = cache[name]
        return services.person_import_batch(
            by=ctx["by"], unit=ctx["unit"], rows=[r.data | {"action": r.action, "row": r.number} for r in rows],
            mapped=ctx.get("mapped", set()), batch=batch, job=ctx.get("job"))

    def preview(self, row: Row) -> list[str]:
        d = row.data
        labels = {
            "sex": dict(Sex.choices), "education": dict(Education.choices),
            "political_status": dict(PoliticalStatus.choices), "marital_status": dict(MaritalStatus.choices),
            "relation_to_head": dict(Relation.choices)}
        out = []
        for c in self.columns:
            value = d.get(c.key)
            if c.key == "groups":
                value = "、".join(g.name for g in value or [])
            elif c.key == "unit":
                value = value.name if value else ""
            elif c.key == "id_number":
                value = idnumber.mask(value or "")
            elif c.key in labels:
                value = labels[c.key].get(value, value)
            out.append("" if value is None else str(value))
        return out


def _age(birth: datetime.date) -> int:
    today = datetime.date.today()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


REGISTRY = PeopleRegistry()


# Exports: the people list as it is shown (filters applied, scope respected), ID numbers masked
# unless the user may see them in full.
EXPORT_HEADERS = [gettext_lazy("姓名"), gettext_lazy("身份证号"), gettext_lazy("性别"), gettext_lazy("出生日期"), gettext_lazy("民族"), gettext_lazy("联系电话"), gettext_lazy("文化程度"),
                  gettext_lazy("政治面貌"), gettext_lazy("婚姻状况"), gettext_lazy("家庭住址"), gettext_lazy("与户主关系"), gettext_lazy("特殊群体"), gettext_lazy("所属单位"),
                  gettext_lazy("备注")]
EXPORT_CHUNK = 2000


def export_rows(queryset, *, full_id_numbers: bool):
    """Rows for the .xlsx, read in chunks (memory stays flat); current special groups per chunk."""
    from django.utils import timezone

    from .models import GroupMembership

    sex, edu = dict(Sex.choices), dict(Education.choices)
    pol, mar, rel = dict(PoliticalStatus.choices), dict(MaritalStatus.choices), dict(Relation.choices)
    today = timezone.localdate()
    fields = ("pk", "name", "id_number", "sex", "birth_date", "ethnicity", "phone", "education", "political_status",
              "marital_status", "address", "relation_to_head", "unit__name", "note")
    chunk = []

    def flush(rows):
        groups: dict[int, list[str]] = {}
        memberships = (GroupMembership.objects.filter(person_id__in=[r[0] for r in rows], start_date__lte=today)
                       .exclude(end_date__lt=today).values_list("person_id", "group__name")
                       .order_by("group__sort", "group_id"))
        for person_id, name in memberships:
            groups.setdefault(person_id, []).append(name)
        for (pk, name, number, s, birth, eth, phone, e, p, m, address, r, unit_name, note) in rows:
            yield [name, (number or "") if full_id_numbers else idnumber.mask(number or ""), str(sex.get(s, s)),
                   birth, eth, phone, str(edu.get(e, "")), str(pol.get(p, "")), str(mar.get(m, "")), address,
                   str(rel.get(r, "")), "、".join(groups.get(pk, [])), unit_name, note]

    for row in queryset.values_list(*fields).iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(row)
        if len(chunk) >= EXPORT_CHUNK:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)
