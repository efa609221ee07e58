"""Demo rights records for the demo county (called by banbiantian/demo/county.py after the people are made).

`seed` fills every township with a few years of petitions at every stage — registered, refused,
accepted, mediated, referred, extended, proposed for closing, closed, visited, reviewed — domestic
violence cases with risk assessments, 告诫书 with their 查访, protection orders, and each village's
monthly dispute screening. `build_cases` is the generator; bench/bench_rights.py reuses it at full
size. Everything is written with bulk_create (so the records do not pass the services: the audit log
holds no entry for them, as for the demo people), with the numbers, deadlines and `due_on` the
services would have given them.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.db.models import Max
from django.utils import timezone

from banbiantian.core.models import Level, OrgUnit, User
from banbiantian.core.roles import Role

from . import rules
from .models import (
    Case,
    CaseCategory,
    CaseCounter,
    CaseEvent,
    DisputeScreening,
    ExtensionRequest,
    MediationSession,
    Referral,
    RiskLevel,
    Status,
    Visit,
)

D = datetime.timedelta
CHANNELS = ["visit"] * 9 + ["call"] * 4 + ["letter"] * 2 + ["online", "12338", "assigned"]
REQUESTS = {
    "marriage": [("要求调解夫妻矛盾", "丈夫"), ("要求协助离婚并争取子女抚养权", "丈夫"), ("要求子女支付赡养费", "儿子"),
                 ("婆媳矛盾，要求调解", "婆婆")],
    "dv": [("丈夫酒后殴打，要求制止家暴", "丈夫"), ("长期遭受辱骂威胁，要求保护", "丈夫"), ("前夫纠缠殴打，要求出具告诫书", "前夫")],
    "property": [("离婚后房产分割纠纷", "前夫"), ("父亲遗产继承被兄弟排除", "兄弟"), ("要求返还彩礼纠纷调解", "前夫家")],
    "land": [("出嫁后土地承包经营权被收回", "村经济合作社"), ("离婚后征地补偿款未分配", "村经济合作社"),
             ("丧偶后宅基地使用权纠纷", "夫家亲属")],
    "labour": [("工资被拖欠，要求帮助追讨", "用人单位"), ("孕期被辞退，要求维权", "用人单位"), ("未缴社会保险", "用人单位")],
    "personal": [("遭受邻里人身侵害", "邻居"), ("网络上被侮辱诽谤", "网友")],
    "children": [("孩子父亲不支付抚养费", "孩子父亲"), ("孩子在校被欺凌", "学校")],
    "other": [("咨询妇女权益法律问题", ""), ("要求协调低保申请", "村委会")],
}
OUTCOMES = ["经调解双方达成和解", "已协调有关部门解决", "转司法所调解结案", "经法律援助进入诉讼程序", "已答复并解释政策",
            "经多方协调落实了诉求"]
AGENCY_UNITS = {"justice": "司法所", "police": "派出所", "court": "人民法院", "labour": "人社局", "civil": "民政局",
                "governance": "综治中心"}
RISK = [(RiskLevel.LOW, {"children": True}), (RiskLevel.MEDIUM, {"escalating": True}),
        (RiskLevel.HIGH, {"injured": True, "fear": True}), (RiskLevel.DANGER, {"weapon": True, "injured": True})]
RISK_WEIGHTS = [35, 35, 20, 10]


def _risk(rng):
    level, yes = rng.choices(RISK, RISK_WEIGHTS)[0]
    return level, {key: bool(yes.get(key)) for key in rules.RISK_KEYS}


class _Builder:
    """Holds what one run needs: the townships, their women, their cadres, and the rows to write."""

    def __init__(self, county: OrgUnit, rng: random.Random, today: datetime.date):
        self.rng, self.today = rng, today
        self.townships = list(OrgUnit.objects.open_on(today).filter(path__startswith=county.path,
                                                                    level=Level.TOWNSHIP).order_by("path"))
        users = list(User.objects.filter(unit__path__startswith=county.path, is_active=True)
                     .exclude(role=Role.VIEWER).select_related("unit"))
        self.chair = {u.unit_id: u for u in users if u.role == Role.TOWNSHIP_CHAIR}
        self.staff = {u.unit_id: u for u in users if u.role == Role.TOWNSHIP_STAFF}
        self.director = {u.unit_id: u for u in users if u.role == Role.VILLAGE_DIRECTOR}
        self.officer = next((u for u in users if u.role == Role.COUNTY_RIGHTS), None) or next(
            (u for u in users if u.role == Role.COUNTY_ADMIN), None)
        self.townships = [t for t in self.townships if t.pk in self.chair]
        from banbiantian.people.models import Person

        adult, old = today - D(days=int(18 * 365.25) + 1), today - D(days=80 * 365)
        self.women: dict[int, list[tuple[int, int]]] = {}
        for township in self.townships:
            self.women[township.pk] = list(
                Person.objects.filter(unit__path__startswith=township.path, sex="F", birth_date__lte=adult,
                                      birth_date__gte=old)
                .order_by("id").values_list("id", "unit_id")[:4000])
        self.townships = [t for t in self.townships if self.women[t.pk]]
        self.policy = {t.pk: rules.policy_for(t) for t in self.townships}
        self.categories = {c.code: c for c in CaseCategory.objects.filter(active=True)}
        self.counters = {(c.unit_id, c.year): c.last for c in CaseCounter.objects.filter(
            unit__in=self.townships)}
        self.calendar = rules.holiday_calendar(today - D(days=6 * 366), today + D(days=60))

    # --- one case ---------------------------------------------------------------------------------

    def case(self, township: OrgUnit, received: datetime.date, *, person=None, repeat_of=None) -> Case:
        rng = self.rng
        person_id, village_id = person or rng.choice(self.women[township.pk])
        code = "dv" if rng.random() < 0.15 else rng.choices(
            ["marriage", "property", "land", "labour", "personal", "children", "other"], [40, 12, 14, 12, 6, 6, 10])[0]
        if repeat_of is not None:
            code = next((c for c, cat in self.categories.items() if cat.pk == repeat_of.category_id), code)
        category = self.categories.get(code) or next(iter(self.categories.values()))
        request, respondent = rng.choice(REQUESTS.get(code, REQUESTS["other"]))
        director = self.director.get(village_id)
        by = director if director and rng.random() < 0.25 else (
            self.staff.get(township.pk) if rng.random() < 0.3 and township.pk in self.staff else self.chair[township.pk])
        key = (township.pk, received.year)
        self.counters[key] = self.counters.get(key, 0) + 1
        policy = self.policy[township.pk]
        channel = rng.choice(CHANNELS)
        case = Case(
            unit=township, year=received.year, seq=self.counters[key],
            number=rules.format_number(township, policy, received.year, self.counters[key]),
            channel=channel, category=category, petitioner_id=person_id, respondent=respondent,
            respondent_relation=respondent if respondent in ("丈夫", "前夫", "儿子", "婆婆", "兄弟") else "",
            request=request, narrative=f"{request}。当事人反映的具体经过已记录。",
            injuries="面部、手臂软组织挫伤" if code == "dv" and rng.random() < 0.5 else "",
            confidential=rng.random() < (0.25 if code == "dv" else 0.03),
            consent_share=rng.random() < 0.85, consent_contact=rng.random() < 0.95,
            skip_level=rng.random() < 0.012, is_dv=category.is_domestic_violence,
            received_on=received, reply_due=received + D(days=policy.reply_days),
            object_due=rules.add_workdays(received, policy.object_workdays, self.calendar)
            if channel == "assigned" else None,
            registered_by=by, assigned_to=director if director and by != director and rng.random() < 0.15 else None,
            created_at=timezone.make_aware(datetime.datetime.combine(received, datetime.time(9 + rng.randint(0, 7)))),
        )
        if repeat_of is not None:
            case.repeat_of, case.is_repeat = repeat_of, True
        case._by = by
        case._events = [(received, by, "登记", "")]
        case._extras = []
        if case.is_dv:
            case.risk_level, case.risk_answers = _risk(rng)
            case._events.append((received, by, "风险评估", case.get_risk_level_display()))
        self._stages(case, policy)
        case.due_on = case.current_due()
        return case

    def _day(self, start: datetime.date, low: int, high: int) -> datetime.date:
        return min(self.today, start + D(days=self.rng.randint(low, high)))

    def _stages(self, case: Case, policy) -> None:
        rng, today = self.rng, self.today
        age = (today - case.received_on).days
        chair = self.chair[case.unit_id]
        if rng.random() < 0.08 and not case.is_dv:
            case.status, case.replied_on = Status.REJECTED, self._day(case.received_on, 0, 10)
            case.reject_reason = "不属于妇联受理范围，已告知向有关部门反映"
            case._events.append((case.replied_on, chair, "不予受理", case.reject_reason))
            return
        if age < 14 and rng.random() < 0.6 or age < 1:
            return  # registered, awaiting the reply (some of it overdue)
        case.status = Status.ACCEPTED
        case.accepted_on = case.replied_on = self._day(case.received_on, 0, min(14, age))
        case.close_due = case.accepted_on + D(days=policy.close_days)
        case._events.append((case.accepted_on, chair, "受理", ""))
        if case.is_dv:
            self._dv(case, policy)
        open_days = (today - case.accepted_on).days
        if rng.random() < 0.45:
            case.handling = "mediation"
            for n in range(rng.choice([1, 1, 2])):
                held = self._day(case.accepted_on, 3 + 10 * n, 12 + 15 * n)
                agreed = rng.random() < 0.7
                case._extras.append(MediationSession(
                    held_on=held, mediators=f"{chair.full_name}、司法所调解员", parties="当事人双方及亲属",
                    agreement_reached=agreed, agreement_text="双方自愿达成调解协议，互谅互让。" if agreed else "", by=chair))
                case._events.append((held, chair, "调解", "达成协议" if agreed else "未达成协议"))
        elif rng.random() < 0.4:
            case.handling = "referral"
            agency = rng.choice(list(AGENCY_UNITS))
            referred = self._day(case.accepted_on, 1, 10)
            replied = referred + D(days=rng.randint(3, 20))
            replied = replied if replied <= today and rng.random() < 0.97 else None  # a few forgotten
            without = not case.consent_share
            case._extras.append(Referral(
                agency=agency, receiving_unit=f"{case.unit.name}{AGENCY_UNITS[agency]}", referred_on=referred,
                reply_due=referred + D(days=policy.referral_reply_days), replied_on=replied,
                reply="已受理，正在依法处理" if replied else "", without_consent=without,
                without_consent_reason="当事人面临人身危险，需及时转介" if without else "", by=chair))
            case._events.append((referred, chair, "转办", AGENCY_UNITS[agency]))
        if open_days > 40 and rng.random() < 0.05:
            self._extension(case, policy)
        # Most cases close within the deadline; a few run late, a few are still open and overdue.
        if open_days < 20 or (rng.random() < 0.04 and open_days < 400):
            if open_days > 10 and rng.random() < 0.3:
                case.status, case.close_proposed_by = Status.CLOSE_PROPOSED, case._by
                case.outcome = rng.choice(OUTCOMES)
                case._events.append((today, case._by, "申请办结", case.outcome))
            return
        late = rng.random() < 0.07
        closed = case.close_due + D(days=rng.randint(1, 20)) if late else self._day(case.accepted_on, 7, 55)
        if closed > today:
            return
        if case.is_dv and case.risk_level in (RiskLevel.HIGH, RiskLevel.DANGER) and not any(
                isinstance(e, Visit) and e.done_on for e in case._extras):
            visit_on = self._day(case.accepted_on, 2, max(3, (closed - case.accepted_on).days))
            case._extras.append(Visit(due_on=visit_on, done_on=visit_on, result="当事人安全，情绪稳定", by=chair))
            case._events.append((visit_on, chair, "跟进查访", "当事人安全"))
        case.status, case.closed_on = Status.CLOSED, closed
        case.outcome = rng.choice(OUTCOMES)
        case.satisfied = rng.choices([True, False, None], [88, 7, 5])[0]
        case.close_proposed_by = case._by
        approver = self.officer if case._by == chair else chair
        case._events += [(closed, case._by, "申请办结", case.outcome), (closed, approver, "审批办结", "")]
        case.return_visit_due = closed + D(days=policy.return_visit_days)
        visit = closed + D(days=rng.randint(3, 28))
        if visit <= today and rng.random() < 0.9:
            case.status, case.return_visit_on = Status.VISITED, visit
            case.return_visit_result = rng.choice(["当事人表示满意，生活恢复正常", "情况稳定，继续关注", "家庭关系明显改善"])
            case._events.append((visit, case._by, "回访", case.return_visit_result))
            requested = visit + D(days=rng.randint(1, 10))
            if rng.random() < 0.02 and requested - closed <= D(days=policy.review_request_days) and requested < today:
                case.review_level, case.review_requested_on = 1, requested
                answered = requested + D(days=rng.randint(5, 25))
                case._events.append((requested, chair, "申请复查", ""))
                if answered <= today:
                    case.review_due = answered
                    case._events.append((answered, chair, "复查意见", "维持原处理意见"))
                else:
                    case.status, case.review_due = Status.REVIEW, requested + D(days=policy.review_answer_days)

    def _dv(self, case: Case, policy) -> None:
        rng, chair = self.rng, self.chair[case.unit_id]
        case.shelter_referral = case.risk_level == RiskLevel.DANGER and rng.random() < 0.4
        case.legal_aid_referral = rng.random() < 0.3
        if rng.random() < 0.35:
            case.warning_issued_on = self._day(case.accepted_on, 0, 5)
            case.warning_issued_by = f"县公安局{case.unit.name}派出所"
            case.warning_served_on = self._day(case.warning_issued_on, 0, 3)
            for offset in policy.visit_offsets():
                due = case.warning_served_on + D(days=offset)
                done = due + D(days=rng.randint(-2, 3)) if due + D(days=3) <= self.today and rng.random() < 0.97 else None
                case._extras.append(Visit(due_on=due, done_on=done, result="施暴人未再实施暴力" if done else "",
                                          by=chair if done else None))
            case._events.append((case.warning_served_on, chair, "家庭暴力处置", "告诫书送达村(居)委会"))
        if case.risk_level in (RiskLevel.HIGH, RiskLevel.DANGER) and rng.random() < 0.5:
            applied = self._day(case.accepted_on, 0, 4)
            case.order_urgent = case.risk_level == RiskLevel.DANGER
            case.order_applied_at = timezone.make_aware(datetime.datetime.combine(applied, datetime.time(10)))
            case.order_court = "县人民法院"
            granted = applied + D(days=1 if case.order_urgent else rng.randint(1, 3))
            if granted <= self.today:
                case.order_granted_on = granted
                case.order_expires_on = rules.add_months(granted, 6) - D(days=1)
            case._events.append((applied, chair, "家庭暴力处置", "申请人身安全保护令"))

    def _extension(self, case: Case, policy) -> None:
        rng, chair = self.rng, self.chair[case.unit_id]
        requester = self.staff.get(case.unit_id) or case._by
        days = rng.choice([15, 20, 30])
        asked = case.close_due - D(days=rng.randint(3, 10))
        decision = rng.choices(list(ExtensionRequest.Decision.values), [1, 8, 1])[0]
        approver = chair if requester != chair else self.officer
        when = timezone.make_aware(datetime.datetime.combine(asked, datetime.time(15)))
        request = ExtensionRequest(days=days, reason="案情复杂，需进一步调查取证", requested_by=requester,
                                   requested_at=when, decision=decision)
        case._events.append((asked, requester, "申请延期", f"{days}天"))
        if decision != ExtensionRequest.Decision.PENDING:
            request.decided_by, request.decided_at = approver, when + D(days=1)
            request.decision_reason = "同意延期" if decision == "approved" else "应按期办结"
            if decision == "approved":
                request.notice_on, request.notice_how = asked + D(days=1), rng.choice(["电话", "书面告知书", "当面"])
                case.extended_days, case.extension_reason = days, request.reason
                case.extension_notice_on = request.notice_on
                case.close_due += D(days=days)
            case._events.append((asked + D(days=1), approver, "延期审批", request.get_decision_display()))
        case._extras.append(request)

    # --- writing ------------------------------------------------------------------------------------

    def write(self, cases: list[Case]) -> None:
        Case.objects.bulk_create(cases, batch_size=1000)
        events, extras = [], defaultdict(list)
        for case in cases:
            for day, actor, kind, note in case._events:
                at = timezone.make_aware(datetime.datetime.combine(min(day, self.today), datetime.time(10)))
                events.append(CaseEvent(case=case, at=at, actor=actor, kind=kind, note=note))
            for extra in case._extras:
                extra.case = case
                extras[type(extra)].append(extra)
        CaseEvent.objects.bulk_create(events, batch_size=2000)
        for model, rows in extras.items():
            model.objects.bulk_create(rows, batch_size=2000)

    def save_counters(self) -> None:
        existing = set(CaseCounter.objects.filter(unit__in=self.townships).values_list("unit_id", "year"))
        for (unit_id, year), last in self.counters.items():
            if (unit_id, year) in existing:
                CaseCounter.objects.filter(unit_id=unit_id, year=year).update(last=last)
        CaseCounter.objects.bulk_create([CaseCounter(unit_id=u, year=y, last=n) for (u, y), n in self.counters.items()
                                         if (u, y) not in existing])


def build_cases(county: OrgUnit, n_cases: int, *, rng: random.Random, today: datetime.date, years: int = 5) -> int:
    """`n_cases` petitions over the last `years` years in every township of the county (more in recent years),
    about 6% of them same-matter repeats of an earlier closed case. Returns the number written."""
    builder = _Builder(county, rng, today)
    if not builder.townships or n_cases <= 0:
        return 0
    span = years * 365
    n_repeats = n_cases * 6 // 100
    days = sorted(today - D(days=int(rng.random() ** 1.15 * span)) for _i in range(n_cases - n_repeats))
    written = 0
    chunk: list[Case] = []
    closed: list[Case] = []
    for received in days:
        case = builder.case(rng.choice(builder.townships), received)
        chunk.append(case)
        if len(chunk) >= 5000:
            builder.write(chunk)
            written += len(chunk)
            closed += [c for c in chunk if c.closed_on and c.closed_on < today - D(days=20)]
            chunk = []
    builder.write(chunk)
    written += len(chunk)
    closed += [c for c in chunk if c.closed_on and c.closed_on < today - D(days=20)]
    repeats = []
    for earlier in rng.sample(closed, min(n_repeats, len(closed))):
        received = earlier.closed_on + D(days=rng.randint(10, max(11, (today - earlier.closed_on).days)))
        township = next(t for t in builder.townships if t.pk == earlier.unit_id)
        repeats.append(builder.case(township, min(received, today), person=(earlier.petitioner_id, None),
                                    repeat_of=earlier))
    builder.write(repeats)
    builder.save_counters()
    return written + len(repeats)


def build_screenings(county: OrgUnit, *, rng: random.Random, today: datetime.date, years: int = 5) -> int:
    """Each village's monthly screening for the last `years` years: most months reported, "none found" the
    most common answer; the current month only partly reported yet."""
    villages = list(OrgUnit.objects.open_on(today).filter(path__startswith=county.path,
                                                          level__in=[Level.VILLAGE, Level.COMMITTEE]))
    if not villages:
        return 0
    users = {u.unit_id: u for u in User.objects.filter(unit__in=villages, role=Role.VILLAGE_DIRECTOR)}
    chairs = {u.unit_id: u for u in User.objects.filter(unit__path__startswith=county.path,
                                                        role=Role.TOWNSHIP_CHAIR)}
    done = set(DisputeScreening.objects.filter(unit__in=villages).values_list("unit_id", "month"))
    month = today.replace(day=1)
    months = []
    for _i in range(years * 12):
        months.append(month)
        month = (month - D(days=1)).replace(day=1)
    rows = []
    for village in villages:
        by = users.get(village.pk) or chairs.get(village.parent_id)
        if by is None:
            continue
        diligence = rng.uniform(0.8, 1.0)
        for month in months:
            current = month == today.replace(day=1)
            if (village.pk, month) in done or rng.random() > (0.4 if current else diligence):
                continue
            found = 0 if rng.random() < 0.55 else rng.choice([1, 1, 1, 2, 2, 3, 4])
            resolved = sum(rng.random() < 0.85 for _j in range(found))
            escalated = sum(rng.random() < 0.5 for _j in range(found - resolved))
            reported = timezone.make_aware(datetime.datetime.combine(
                min(today, month.replace(day=min(28, rng.randint(20, 28)))), datetime.time(16)))
            rows.append(DisputeScreening(unit=village, month=month, none_found=not found, found=found,
                                         resolved=resolved, escalated=escalated, reported_by=by, reported_at=reported,
                                         note="" if found else "本月未发现矛盾纠纷"))
    DisputeScreening.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def seed(county: OrgUnit, *, rng: random.Random, today: datetime.date, log) -> str:
    """The demo's rights records: one petition per 20 people registered, over three years (150 for the
    default 3,000 people)."""
    from banbiantian.people.models import Person

    n_cases = max(40, Person.objects.filter(unit__path__startswith=county.path).count() // 20)
    cases = build_cases(county, n_cases, rng=rng, today=today, years=3)
    screenings = build_screenings(county, rng=rng, today=today, years=3)
    last = Case.objects.filter(unit__path__startswith=county.path).aggregate(m=Max("received_on"))["m"]
    return f"维权信访：{cases} 件案件（最近 {last or '—'}），{screenings} 份矛盾纠纷排查月报"
