"""The care beneficiaries registry for the import engine (banbiantian.transfer.engine).

A row enrols a registered person, found by her ID number, in a programme the importer can see,
and brings the enrolment to the status the ledger records. Every write goes through the care
services (enrolment_create, enrolment_transition), so their checks, steps and audit apply; a
status that needs a decision (通过, 不通过) needs approve_care as it does on the page.

Natural key: (programme, person) — the enrolment's own unique constraint. Re-importing the same
row skips it, or moves the enrolment on to the ledger's status when that is a later stage.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banbiantian.core.access import scope
from banbiantian.lib import idnumber
from banbiantian.lib.xlsx import cells
from banbiantian.people.models import Person
from banbiantian.transfer.engine import Column, Registry, Row

from . import services
from .models import DECISIONS, TRANSITIONS, Enrolment, Status
from .selectors import programme_list

STATUS = {**{str(label): value for value, label in Status.choices},
          "申请中": Status.APPLIED, "待审核": Status.APPLIED, "审核中": Status.REVIEWING, "已通过": Status.APPROVED,
          "在册": Status.APPROVED, "帮扶中": Status.APPROVED, "未通过": Status.REJECTED, "已结束": Status.ENDED,
          "退出": Status.ENDED, "已退出": Status.ENDED}
REASON_LIMIT = 300

COLUMNS = [
    Column("name", gettext_lazy("姓名"), ("帮扶对象", "对象姓名", "姓 名"), required=True, example="王秀英"),
    Column("id_number", gettext_lazy("身份证号"), ("身份证号码", "公民身份证号码", "公民身份号码", "证件号码"),
           required=True, help=gettext_lazy("须是已在系统中登记的人员；请设为文本格式"), example="330122198503120023"),
    Column("programme", gettext_lazy("帮扶项目"), ("项目名称", "项目", "帮扶项目名称"), required=True,
           help=gettext_lazy("与系统中的项目名称一致"), example="2026年困难妇女帮扶"),
    Column("year", gettext_lazy("年度"), ("项目年度", "年份"), help=gettext_lazy("同名项目有多个年度时填写"),
           example="2026"),
    Column("status", gettext_lazy("状态"), ("帮扶状态", "审核状态", "审批状态"),
           choices=tuple(str(label) for _v, label in Status.choices),
           help=gettext_lazy("留空按“申请”登记；“通过”“不通过”需要审核权限"), example="通过"),
    Column("applied_on", gettext_lazy("申请日期"), ("申请时间", "纳入日期", "登记日期"),
           help=gettext_lazy("留空按办理日期，都留空按导入当天"), example="2026-03-01"),
    Column("decided_on", gettext_lazy("办理日期"), ("审批日期", "审核日期", "批准日期", "审批时间", "结束日期", "退出日期"),
           help=gettext_lazy("台账上审批或结束的日期：统计按这一天计入（留空按导入当天）"), example="2026-03-15"),
    Column("reason", gettext_lazy("处理意见"), ("审核意见", "理由", "原因", "备注", "说明"),
           help=gettext_lazy("“不通过”“结束”必须填写")),
]


def _path(start: str, target: str) -> list[str] | None:
    """The steps from one status to another along TRANSITIONS ([] when already there, None when impossible)."""
    paths = {start: []}
    queue = [start]
    while queue:
        current = queue.pop(0)
        if current == target:
            return paths[current]
        for nxt in sorted(TRANSITIONS[Status(current)]):
            if nxt not in paths:
                paths[nxt] = [*paths[current], nxt]
                queue.append(nxt)
    return None


class BeneficiaryRegistry(Registry):
    name = "care"
    label = gettext_lazy("帮扶对象")
    columns = COLUMNS
    permissions = ("import_data", "edit_care")
    modes = (("update", gettext_lazy("推进到台账上的状态")), ("skip", gettext_lazy("跳过已在项目中的人员")))
    mode_label = gettext_lazy("已在项目中的人员")
    guide = (
        gettext_lazy("1. 每行是一位已在系统中登记的人员参加一个帮扶项目；未登记的人员请先用“人员信息”模板导入。"),
        gettext_lazy("2. 人员按身份证号查找，姓名须与登记的一致；项目按名称（和年度）查找，只能是您可以查看的项目。"),
        gettext_lazy("3. 状态按“申请→审核→通过→结束”或“申请/审核→不通过”逐步办理，每一步都记入办理过程；“不通过”“结束”须填写处理意见。"),
        gettext_lazy("4. 重复导入不会重复纳入：已在项目中的人员跳过，或推进到台账上更靠后的状态。"),
    )

    def context(self, *, by, unit, mode):
        ctx = super().context(by=by, unit=unit, mode=mode)
        ctx["programmes"] = {}
        for programme in programme_list(user=by).select_related(None).select_related("unit"):
            ctx["programmes"].setdefault(programme.name, []).append(programme)
        ctx["seen"] = {}  # (programme id, id number) -> first row
        ctx["today"] = timezone.localdate()
        ctx["may_decide"] = by.has_perm_name("approve_care")
        return ctx

    def _programme(self, row: Row, ctx: dict):
        try:
            name = cells.text(row.raw.get("programme"))
            year = cells.text(row.raw.get("year")).removesuffix("年")
        except cells.CellError as exc:
            row.error("programme", str(exc))
            return None
        found = ctx["programmes"].get(name, [])
        if year:
            if not year.isdigit():
                row.error("year", _("“%(v)s”不是年份。") % {"v": year})
                return None
            found = [p for p in found if p.year == int(year)]
        if not found:
            row.error("programme", _("没有您可以查看的项目“%(n)s”%(y)s。") % {
                "n": name, "y": _("（%(y)s年度）") % {"y": year} if year else ""})
            return None
        if len(found) > 1:
            row.error("year", _("有%(n)d个名为“%(p)s”的项目（%(years)s），请填写年度。") % {
                "n": len(found), "p": name, "years": "、".join(str(p.year) for p in found)})
            return None
        return found[0]

    def clean_row(self, row: Row, ctx: dict) -> None:
        data: dict = {}
        data["name"] = row.parse("name", cells.text, "").replace(" ", "")
        try:
            number = cells.id_number_text(row.raw.get("id_number"))
        except cells.CellError as exc:
            row.error("id_number", str(exc))
            number = ""
        if not number and not any(k == "id_number" for k, _m in row.errors):
            row.error("id_number", _("身份证号不能为空：帮扶对象按身份证号查找已登记的人员。"))
        elif number:
            try:
                data["id_number"] = idnumber.parse(number).number
            except idnumber.IdNumberError as exc:
                row.error("id_number", str(exc))
        data["programme"] = self._programme(row, ctx)
        data["status"] = row.parse("status", lambda v: cells.choice(v, STATUS, _("状态"))) or Status.APPLIED
        for key in ("applied_on", "decided_on"):
            data[key] = row.parse(key, lambda v: cells.past_date(v, ctx["today"]))
        if data["applied_on"] and data["decided_on"] and data["decided_on"] < data["applied_on"]:
            row.error("decided_on", _("办理日期不能早于申请日期。"))
        written = reason = row.parse("reason", cells.text, "")
        if len(reason) > REASON_LIMIT:
            row.error("reason", _("不能超过%(n)d个字。") % {"n": REASON_LIMIT})
        data["reason"] = reason
        status = data["status"]
        if status in (Status.REJECTED, Status.ENDED) and not written:
            row.error("reason", _("状态为“%(s)s”时必须填写处理意见。") % {"s": Status(status).label})
        if not ctx["may_decide"] and set(_path(Status.APPLIED, status) or []) & DECISIONS:
            row.error("status", _("状态“%(s)s”需要审核权限，您只能导入“申请”“审核”状态的记录。") % {
                "s": Status(status).label})
        if data.get("id_number") and data["programme"] is not None:
            key = (data["programme"].pk, data["id_number"])
            first = ctx["seen"].setdefault(key, row.where)
            if first != row.where:
                row.error("id_number", _("与本文件%(w)s是同一人同一项目。") % {"w": first})
        row.data = data

    def resolve_batch(self, rows: list[Row], ctx: dict) -> None:
        by = ctx["by"]
        live = [r for r in rows if not r.errors]
        numbers = {r.data["id_number"] for r in live}
        people = {p.id_number: p for p in Person.objects.filter(id_number__in=numbers).select_related("unit")}
        visible = set(scope(Person.objects.filter(pk__in=[p.pk for p in people.values()]), by, "view_people")
                      .values_list("pk", flat=True))
        enrolments = {(e.programme_id, e.person_id): e for e in Enrolment.objects.filter(
            person__in=[p.pk for p in people.values() if p.pk in visible],
            programme__in={r.data["programme"].pk for r in live})}
        for r in live:
            person = people.get(r.data["id_number"])
            if person is None or person.pk not in visible:
                r.error("id_number", _("该身份证号的人员不在您可以查看的人员中：请先登记（导入人员信息）再纳入帮扶。"))
                continue
            if not person.unit.is_within(ctx["unit"]):
                r.error("id_number", _("“%(n)s”登记在%(u)s，不在导入单位“%(t)s”范围内。") % {
                    "n": person.name, "u": person.unit.name, "t": ctx["unit"].name})
                continue
            if r.data["name"] and r.data["name"] != person.name:
                r.error("name", _("姓名与该身份证号登记的“%(n)s”不一致。") % {"n": person.name})
                continue
            programme = r.data["programme"]
            if not person.unit.is_within(programme.unit):
                r.error("programme", _("“%(name)s”不在项目“%(p)s”的组织单位(%(u)s)范围内。") % {
                    "name": person.name, "p": programme.name, "u": programme.unit.name})
                continue
            r.data["person"] = person
            existing = enrolments.get((programme.pk, person.pk))
            if existing is None:
                r.action = "create"
                continue
            r.data["existing"] = existing
            steps = _path(existing.status, r.data["status"])
            decided = r.data["decided_on"]
            if ctx["mode"] == "skip" or steps == []:
                r.action = "skip"
            elif steps is None:
                r.action = "skip"
                r.warn("status", _("已在项目中，状态为“%(a)s”，不能改为“%(b)s”，未改动。") % {
                    "a": Status(existing.status).label, "b": Status(r.data["status"]).label})
            elif decided and decided < existing.applied_on:
                r.error("decided_on", _("办理日期不能早于已登记的申请日期（%(d)s）。") % {"d": existing.applied_on})
            else:
                r.action = "update"

    def write_batch(self, rows: list[Row], ctx: dict, *, batch: int) -> dict:
        by = ctx["by"]
        counts = {"created": 0, "updated": 0, "skipped": 0}
        for r in rows:
            d = r.data
            if r.action == "skip":
                counts["skipped"] += 1
                continue
            decided = d["decided_on"]  # None: the steps take effect today, as on the page
            if r.action == "create":
                enrolment = services.enrolment_create(by=by, programme=d["programme"], person=d["person"],
                                                      applied_on=d["applied_on"] or decided or ctx["today"],
                                                      reason=d["reason"] if d["status"] == Status.APPLIED else "")
                counts["created"] += 1
            else:
                enrolment = d["existing"]
                counts["updated"] += 1
            steps = _path(enrolment.status, d["status"]) or []
            for step in steps:
                # The ledger's date is the decision's; a step the ledger does not date (审核 on the way to
                # 通过) took effect when the application was made, or on the decision's day when later.
                last = step == steps[-1]
                on = decided if last or decided is None else max(enrolment.applied_on,
                                                                  min(d["applied_on"] or decided, decided))
                enrolment = services.enrolment_transition(
                    by=by, enrolment=enrolment, to=step, reason=d["reason"] if last else "", on=on)
        return counts

    def preview(self, row: Row) -> list[str]:
        d = row.data
        programme = d.get("programme")
        values = {
            "name": d.get("name", ""), "id_number": idnumber.mask(d.get("id_number") or ""),
            "programme": programme.name if programme else "", "year": programme.year if programme else "",
            "status": Status(d["status"]).label if d.get("status") else "",
            "applied_on": d.get("applied_on") or "", "decided_on": d.get("decided_on") or "",
            "reason": d.get("reason", "")}
        return [str(values.get(c.key, "")) for c in self.columns]


REGISTRY = BeneficiaryRegistry()
