"""The rights-cases registry for the import engine: a township's old paper/Excel 信访登记簿.

Columns as those books keep them: 日期, 来访人, 身份证号, 住址, 联系电话, 反映问题, 类别, 处理情况,
办结时间, 回访情况. Each row becomes a historic case of the handling unit (the township; a village's
book goes to its township: rules.handling_unit, as registration), numbered from the unit's own format
and yearly counter, through services.case_import_historic — the registration path of the form (its
checks, numbering, timeline step and audit), with the outcome the book records instead of the live
workflow's steps.

Natural key: (handling unit's subtree, received date, 反映问题 text, petitioner's name or ID number),
looked up before any petitioner is resolved, so a book imported at the township and again at a village
(or the other way round) skips the cases already in; an imported case is never overwritten from a file.

A new petitioner is registered with name and phone only, as the live QuickPersonForm does: the book's
住址 (perhaps a shelter) goes only into the case's encrypted current_address, never into the person
record that everyone with view_people reads.

Confidentiality: domestic-violence categories come in as confidential cases (the list then never
shows the name), a 保密 column marks others; the jobs, reports and error files of this registry
are seen only by their uploader and by users who may see rights cases (view_permissions).
"""


from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banbiantian.core.access import scope
from banbiantian.lib import idnumber
from banbiantian.lib.xlsx import cells
from banbiantian.people import services as people_services
from banbiantian.people.models import Person
from banbiantian.transfer.engine import Column, Registry, Row

from . import rules
from .models import Case, CaseCategory, Channel, RiskLevel, Status
from .services import case_import_historic

CHANNELS = {**{str(label): value for value, label in Channel.choices}, "信": Channel.LETTER, "访": Channel.VISIT,
            "电话": Channel.CALL, "网上": Channel.ONLINE, "12338": Channel.HOTLINE, "交办": Channel.ASSIGNED}
YES_NO = {"是": True, "保密": True, "Y": True, "√": True, "否": False, "不保密": False, "N": False, "": False}
CATEGORY_WORDS = {"家暴": "家庭暴力", "婚姻": "婚姻家庭纠纷", "婚姻家庭": "婚姻家庭纠纷", "继承": "财产与继承", "财产": "财产与继承",
                  "土地": "农村妇女土地权益", "劳动": "劳动就业与社会保障", "社保": "劳动就业与社会保障",
                  "儿童": "儿童权益", "人身": "人身权利"}
TEXT_LIMITS = {"request": 4000, "handling": 4000, "return_visit": 2000, "address": 200}
RISK = {**{str(label): value for value, label in RiskLevel.choices}, "低风险": RiskLevel.LOW, "中风险": RiskLevel.MEDIUM,
        "高风险": RiskLevel.HIGH, "危险级": RiskLevel.DANGER, "极高": RiskLevel.DANGER, "一般": RiskLevel.LOW,
        "较高": RiskLevel.HIGH}
SATISFIED = {"满意": True, "基本满意": True, "比较满意": True, "非常满意": True, "是": True, "不满意": False,
             "不太满意": False, "否": False}

# What a book's 处理情况 says about where the case ended. The words written first decide ("已办结，交村跟进回访"
# is closed, "未办结，继续跟进" in hand); at the same place the longer word wins ("未办结" over "办结").
STATE_WORDS = (
    (Status.REJECTED, ("不予受理", "不受理")),
    (Status.ACCEPTED, ("正在办理", "办理中", "交村跟进", "交村(社区)跟进", "跟进中", "未办结", "在办", "继续跟进")),
    (Status.CLOSED, ("已办结", "办结", "已结案", "结案", "已解决", "已处理完毕")),
)


def book_state(handling: str) -> str:
    """The case's state as the book's 处理情况 says it ("" when the words do not say: the dates decide)."""
    text = handling.replace(" ", "")
    found = [(text.find(word), -len(word), state) for state, words in STATE_WORDS for word in words if word in text]
    return min(found)[2] if found else ""

COLUMNS = [
    Column("received_on", gettext_lazy("日期"), ("来访日期", "来信日期", "收到日期", "登记日期", "来访时间", "时间"),
           required=True, help=gettext_lazy("来访(来信)的日期，如 2023-05-12 或 2023.5.12"), example="2023-05-12"),
    Column("name", gettext_lazy("来访人"), ("来访人姓名", "姓名", "当事人", "反映人", "来信人"), required=True,
           example="王秀英"),
    Column("id_number", gettext_lazy("身份证号"), ("身份证号码", "公民身份证号码", "公民身份号码", "证件号码"),
           help=gettext_lazy("有则填写，用于找到已登记的人员；未登记的按姓名新登记"), example="330122198503120023"),
    Column("address", gettext_lazy("住址"), ("家庭住址", "地址", "现住址", "住所")),
    Column("phone", gettext_lazy("联系电话"), ("电话", "手机", "联系方式", "手机号码")),
    Column("request", gettext_lazy("反映问题"), ("反映内容", "主要问题", "诉求", "来访事由", "反映事项", "问题"),
           required=True),
    Column("category", gettext_lazy("类别"), ("问题类别", "案件类别", "类型"),
           help=gettext_lazy("从下拉列表选择；留空按“其他”")),
    Column("handling", gettext_lazy("处理情况"), ("处理结果", "办理情况", "处理意见", "办理结果")),
    Column("closed_on", gettext_lazy("办结时间"), ("办结日期", "结案日期", "结案时间"),
           help=gettext_lazy("已办结的填写；留空的按未办结案件导入，需在系统中继续办理")),
    Column("return_visit", gettext_lazy("回访情况"), ("回访", "回访结果", "回访意见")),
    Column("return_visit_on", gettext_lazy("回访日期"), ("回访时间",),
           help=gettext_lazy("留空时从回访情况中读出日期（如“2026年3月5日电话回访”）")),
    Column("satisfied", gettext_lazy("满意度"), ("是否满意", "当事人满意度", "满意情况", "当事人是否满意"),
           choices=("满意", "基本满意", "不满意"), help=gettext_lazy("留空时从回访情况中读出（满意、基本满意、不满意）")),
    Column("risk_level", gettext_lazy("风险等级"), ("家暴风险等级", "危险等级", "风险评估等级"),
           choices=tuple(str(label) for _v, label in RiskLevel.choices),
           help=gettext_lazy("家庭暴力案件的风险等级")),
    Column("channel", gettext_lazy("来源方式"), ("来源", "信访方式", "方式"),
           choices=tuple(str(label) for _v, label in Channel.choices), help=gettext_lazy("留空按“来访”")),
    Column("confidential", gettext_lazy("保密"), ("是否保密",), choices=("是", "否"),
           help=gettext_lazy("家庭暴力类自动按保密案件导入")),
]


class RightsRegistry(Registry):
    name = "rights"
    label = gettext_lazy("信访登记簿")
    columns = COLUMNS
    permissions = ("import_data", "register_rights_cases")
    view_permissions = ("import_data", "view_rights_cases")
    modes = (("skip", gettext_lazy("跳过已导入的案件")),)
    mode_label = gettext_lazy("已导入过的案件")
    guide = (
        gettext_lazy("1. 每行是登记簿上的一次来访(来信)；导入后按本单位的案件编号格式编号，记入案件办理过程和审计日志。"),
        gettext_lazy("2. 来访人按身份证号（没有身份证号的按姓名）找已登记的人员；找不到的按姓名、电话新登记为人员，住址只记入案件（加密保存）。"),
        gettext_lazy("3. 处理情况写“不予受理”的按不予受理导入（处理情况即理由）；写“正在办理”“交村跟进”的按办理中导入；"
                     "写“已办结”或填了办结时间的按已办结导入（需填写处理情况），有回访情况的按已回访，回访日期和满意度可从回访情况中读出。"),
        gettext_lazy("4. 家庭暴力类的案件按保密案件导入，案件列表中不显示姓名。重复导入同一登记簿不会重复登记。"),
        gettext_lazy("5. 同一来访人同一类别的再次来访按重复信访登记，与前一次来访关联；没有对应字段的列不导入，试导入时会列出。"),
    )

    def column_choices(self, column: Column) -> tuple[str, ...]:
        if column.key == "category":
            return tuple(CaseCategory.objects.filter(active=True).values_list("name", flat=True))
        return column.choices

    def context(self, *, by, unit, mode):
        ctx = super().context(by=by, unit=unit, mode=mode)
        ctx["handling_unit"] = rules.handling_unit(unit)
        ctx["categories"] = {c.name: c for c in CaseCategory.objects.filter(active=True)}
        ctx["today"] = timezone.localdate()
        ctx["may_add_people"] = by.has_perm_name("edit_people")
        ctx["seen"] = {}  # natural key within the file -> first row
        return ctx

    def _category(self, row: Row, ctx: dict):
        categories = ctx["categories"]
        try:
            raw = cells.text(row.raw.get("category")).replace(" ", "")
        except cells.CellError as exc:
            row.error("category", str(exc))
            return None
        if not raw:
            row.warn("category", _("未填类别，按“其他”登记。"))
            raw = "其他"
        raw = CATEGORY_WORDS.get(raw, raw)
        found = categories.get(raw) or next((c for n, c in categories.items() if n.startswith(raw)), None)
        if found is None:
            row.error("category", _("“%(v)s”不是案件类别，可填：%(o)s。") % {"v": raw, "o": "、".join(categories)})
        return found

    def _state(self, row: Row, data: dict, texts: dict, ctx: dict) -> None:
        """Where the case ended, as the book's 处理情况 and dates say it; the return visit with its date
        and the petitioner's satisfaction, from their own columns or from the 回访 text."""
        handling, closed = texts["handling"], data["closed_on"]
        state = book_state(handling)
        if state == Status.CLOSED and not closed:
            row.error("closed_on", _("处理情况为已办结，须填写办结时间。"))
        elif state == Status.ACCEPTED and closed:
            row.error("closed_on", _("处理情况为“%(h)s”（未办结），却填写了办结时间：请改正其中之一。") % {"h": handling})
        elif not state:
            state = Status.CLOSED if closed else Status.ACCEPTED if handling else Status.REGISTERED
        if state == Status.CLOSED and not handling:
            row.error("handling", _("已办结的案件须填写处理情况。"))
        data["state"] = state
        visit = texts["return_visit"]
        data["return_visit_on"] = row.parse("return_visit_on", lambda v: cells.past_date(v, ctx["today"]))
        if data["return_visit_on"] is None and visit:
            data["return_visit_on"] = cells.date_in_text(visit)
        satisfied = row.parse("satisfied", lambda v: cells.choice(v, SATISFIED, _("满意度")), "")
        data["satisfied"] = satisfied if isinstance(satisfied, bool) else None
        if data["satisfied"] is None and visit:
            data["satisfied"] = cells.satisfaction_in_text(visit)
        has_visit = bool(visit or data["return_visit_on"] or data["satisfied"] is not None)
        if has_visit and state != Status.CLOSED:
            row.error("closed_on", _("有回访情况的案件须填写办结时间。"))
        elif data["return_visit_on"] and closed and not closed <= data["return_visit_on"] <= ctx["today"]:
            row.error("return_visit_on", _("回访日期（%(d)s）应在办结时间和今天之间。") % {"d": data["return_visit_on"]})
        elif visit and not data["return_visit_on"]:
            row.warn("return_visit", _("回访情况中没有写回访日期，回访日期留空。"))
        if row.errors or not data["received_on"]:
            return
        if state == Status.ACCEPTED:
            row.warn("handling", _("按办理中的案件导入（台账：%(h)s），请在系统中继续办理。") % {"h": handling})
        elif state == Status.REGISTERED:
            row.warn("closed_on", _("未填处理情况和办结时间：按已登记、未受理的案件导入，请在系统中继续办理。"))

    def clean_row(self, row: Row, ctx: dict) -> None:
        data: dict = {}
        texts = {}
        for key in ("name", "address", "phone", "request", "handling", "return_visit"):
            texts[key] = row.parse(key, cells.text, "")
            if len(texts[key]) > TEXT_LIMITS.get(key, 4000):
                row.error(key, _("不能超过%(n)d个字。") % {"n": TEXT_LIMITS[key]})
        texts["name"] = texts["name"].replace(" ", "")
        if not texts["request"]:
            row.error("request", _("反映问题不能为空。"))
        for key in ("received_on", "closed_on"):
            data[key] = row.parse(key, lambda v: cells.past_date(v, ctx["today"]))
        if data["received_on"] is None and not any(k == "received_on" for k, _m in row.errors):
            row.error("received_on", _("日期不能为空。"))
        if data["closed_on"] and data["received_on"] and data["closed_on"] < data["received_on"]:
            row.error("closed_on", _("办结时间不能早于来访日期。"))
        self._state(row, data, texts, ctx)
        data["id_number"], data["birth_date"] = None, None
        try:
            number = cells.id_number_text(row.raw.get("id_number"))
            if number:
                parsed = idnumber.parse(number)
                data["id_number"], data["birth_date"] = parsed.number, parsed.birth_date
        except (cells.CellError, idnumber.IdNumberError) as exc:
            row.error("id_number", str(exc))
        # The petitioner may be registered from this row: the registration form's checks on name and phone.
        try:
            person = people_services.clean_person_data(name=texts["name"], phone=texts["phone"])
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                row.error(key, "；".join(messages))
        else:
            texts["name"], texts["phone"] = person["name"], person["phone"]
        data["channel"] = row.parse("channel", lambda v: cells.choice(v, CHANNELS, _("来源方式"))) or Channel.VISIT
        data["confidential"] = bool(row.parse("confidential", lambda v: cells.choice(v, YES_NO, _("保密"))))
        data["category"] = self._category(row, ctx)
        if data["category"] is not None and data["category"].is_domestic_violence and not data.get("confidential"):
            row.warn("confidential", _("家庭暴力类案件按保密案件导入。"))
        data["risk_level"] = row.parse("risk_level", lambda v: cells.choice(v, RISK, _("风险等级"))) or ""
        if data["risk_level"] and data["category"] is not None and not data["category"].is_domestic_violence:
            row.warn("risk_level", _("风险等级只记录于家庭暴力案件，本行（%(c)s）的风险等级未导入。") % {
                "c": data["category"].name})
            data["risk_level"] = ""
        data.update(texts)
        if data["received_on"] and texts["name"]:
            key = (data["id_number"] or texts["name"], data["received_on"], texts["request"])
            first = ctx["seen"].setdefault(key, row.where)
            if first != row.where:
                row.error("request", _("与本文件%(w)s是同一人同一天反映的同一问题。") % {"w": first})
        row.data = data

    def _petitioners(self, rows: list[Row], ctx: dict) -> None:
        """Each row's petitioner: by ID number, else the one person of that name under the handling unit
        (a township's book names people of its villages), else new."""
        by, unit = ctx["by"], ctx["handling_unit"]
        numbers = {r.data["id_number"] for r in rows if r.data["id_number"]}
        names = {r.data["name"] for r in rows if not r.data["id_number"]}
        by_number = {p.id_number: p for p in Person.objects.filter(id_number__in=numbers).select_related("unit")}
        visible = set(scope(Person.objects.filter(pk__in=[p.pk for p in by_number.values()]), by, "view_people")
                      .values_list("pk", flat=True))
        by_name: dict[str, list] = {}
        for p in scope(Person.objects.filter(name__in=names, unit__path__startswith=unit.path), by, "view_people"):
            by_name.setdefault(p.name, []).append(p)
        for r in rows:
            d = r.data
            if d["id_number"]:
                person = by_number.get(d["id_number"])
                if person is not None and person.pk not in visible:
                    # Neutral, as the care registry says it: not whether the number is registered elsewhere.
                    r.error("id_number", _("该身份证号的人员不在您可以查看的人员中：请由上级妇联核实后再导入。"))
                    continue
                if person is not None and person.name != d["name"]:
                    r.error("name", _("来访人姓名与该身份证号登记的“%(n)s”不一致。") % {"n": person.name})
                    continue
            else:
                found = by_name.get(d["name"], [])
                if len(found) > 1:
                    r.error("id_number", _("“%(u)s”有%(n)d位名为“%(name)s”的人员，请填写身份证号以区分。") % {
                        "u": unit.name, "n": len(found), "name": d["name"]})
                    continue
                person = found[0] if found else None
                if person is not None:
                    r.warn("id_number", _("未填身份证号：按姓名对应到已登记的“%(n)s”（%(u)s）。") % {
                        "n": person.name, "u": person.unit.name})
            if person is None:
                if not ctx["may_add_people"]:
                    r.error("name", _("来访人尚未登记，您没有登记人员的权限：请先由有权限的人员登记。"))
                    continue
                r.warn("name", _("来访人尚未登记，导入时将登记为“%(u)s”的人员。") % {"u": ctx["unit"].name})
            d["person"] = person

    @staticmethod
    def _skip_cases_already_in(rows: list[Row], ctx: dict) -> list[Row]:
        """Mark the rows whose case is already in (same received date and request, petitioner of the same
        name or ID number, anywhere under the handling unit) as skipped; return the others."""
        existing = set()
        for received, request, name, number in Case.objects.filter(
                unit__path__startswith=ctx["handling_unit"].path,
                received_on__in={r.data["received_on"] for r in rows}).values_list(
                "received_on", "request", "petitioner__name", "petitioner__id_number"):
            existing.add((received, request, name))
            if number:
                existing.add((received, request, number))
        rest = []
        for r in rows:
            d = r.data
            if {(d["received_on"], d["request"], d["name"]),
                    (d["received_on"], d["request"], d["id_number"])} & existing:
                r.action = "skip"
                d["person"] = None
            else:
                rest.append(r)
        return rest

    def resolve_batch(self, rows: list[Row], ctx: dict) -> None:
        live = self._skip_cases_already_in([r for r in rows if not r.errors], ctx)
        self._petitioners(live, ctx)
        live = [r for r in live if not r.errors]
        for r in live:
            d = r.data
            person = d["person"]
            minor = person.is_minor if person is not None else (
                d["birth_date"] is not None and Person(birth_date=d["birth_date"]).is_minor)
            if minor and (d["closed_on"] or d["handling"]) and d["category"].is_domestic_violence:
                r.error("category", _("当事人是未成年人的家庭暴力案件须先在系统中填写强制报告：请删去处理情况和办结时间，只登记。"))
                continue
            r.action = "create"
        self._repeats([r for r in live if r.action == "create"], ctx)

    @staticmethod
    def _matter(d: dict):
        person = d["person"]
        return (person.pk if person is not None else ("new", d["id_number"] or d["name"]), d["category"].pk)

    def _repeats(self, rows: list[Row], ctx: dict) -> None:
        """A row of the same petitioner and the same category as an earlier case (already registered, or an
        earlier row of this file) is a repeat of it (重复信访), linked as the register form links one."""
        earlier: dict = {}
        people = {r.data["person"].pk for r in rows if r.data["person"] is not None}
        for pk, category, received, number in Case.objects.filter(
                petitioner__in=people, unit__path__startswith=ctx["handling_unit"].path).values_list(
                "petitioner", "category", "received_on", "number"):
            earlier.setdefault((pk, category), []).append((received, _("已登记的案件 %(n)s") % {"n": number}))
        in_file = ctx.setdefault("matters", {})
        for r in rows:
            d = r.data
            key = self._matter(d)
            before = [e for e in [*earlier.get(key, []), *in_file.get(key, [])] if e[0] <= d["received_on"]]
            d["repeat"] = bool(before)
            if before:
                received, what = max(before, key=lambda e: e[0])
                r.warn("request", _("与%(w)s（%(d)s）是同一来访人同一类别的事项，按重复信访登记。") % {
                    "w": what, "d": received})
            in_file.setdefault(key, []).append((d["received_on"], _("本文件%(w)s") % {"w": r.where}))

    @staticmethod
    def _earlier_case(d: dict, person, ctx: dict):
        return (Case.objects.filter(petitioner=person, category=d["category"], received_on__lte=d["received_on"],
                                    unit__path__startswith=ctx["handling_unit"].path)
                .order_by("-received_on", "-id").first())

    def write_batch(self, rows: list[Row], ctx: dict, *, batch: int) -> dict:
        by, unit, job = ctx["by"], ctx["unit"], ctx.get("job")
        counts = {"created": 0, "updated": 0, "skipped": 0}
        new_people = {}  # id number or name -> petitioner registered by an earlier row of this batch
        for r in rows:
            d = r.data
            if r.action == "skip":
                counts["skipped"] += 1
                continue
            person = d["person"] or new_people.get(d["id_number"] or d["name"])
            if person is None:
                person = people_services.person_create(  # the address stays in the case only
                    by=by, unit=unit, id_number=d["id_number"], name=d["name"], phone=d["phone"])
                new_people[d["id_number"] or d["name"]] = person
            source = f"{job.file_name} {r.where}" if job else r.where  # which sheet, in a book of several
            case_import_historic(
                by=by, unit=unit, petitioner=person, source=source, handling=d["handling"], closed_on=d["closed_on"],
                return_visit=d["return_visit"], received_on=d["received_on"], request=d["request"],
                category=d["category"], channel=d["channel"], confidential=bool(d.get("confidential")),
                current_address=d["address"], consent_contact=True, state=d["state"],
                return_visit_on=d["return_visit_on"], satisfied=d["satisfied"], risk_level=d["risk_level"],
                same_matter_as=self._earlier_case(d, person, ctx) if d.get("repeat") else None)
            counts["created"] += 1
        return counts

    def preview(self, row: Row) -> list[str]:
        d = dict(row.data)
        d["id_number"] = idnumber.mask(d.get("id_number") or "")
        d["category"] = d["category"].name if d.get("category") else ""
        d["channel"] = Channel(d["channel"]).label if d.get("channel") else ""
        d["risk_level"] = RiskLevel(d["risk_level"]).label if d.get("risk_level") else ""
        d["satisfied"] = {True: _("满意"), False: _("不满意")}.get(d.get("satisfied"), "")
        if d.get("state"):
            d["handling"] = f"{Status(d['state']).label}：{d.get('handling', '')}".rstrip("：")
        dv = row.data.get("category") is not None and row.data["category"].is_domestic_violence
        d["confidential"] = _("是") if d.get("confidential") or dv else _("否")
        return ["" if d.get(c.key) is None else str(d.get(c.key)) for c in self.columns]


REGISTRY = RightsRegistry()
