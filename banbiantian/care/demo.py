"""Demo care records for the demo county (called by banbiantian/demo/county.py after the people are made).

`seed` gives the county this year's programmes (county-wide and one per township), enrolments at
every status, caring-mother pairings with visits (some overdue), benefits with a Spring Festival
visiting round per township paid from the townships' funds, two years of two-cancer screening with
results, relief for the confirmed low-income women, Spring Bud girls with aid, a left-behind census
for this year and last, women's insurance with claims, and donations into the funds — scaled to the
number of people and capped, so the default 3,000 people take a second or two and a 300,000-person
county stays quick. Records are written with bulk_create (they do not pass the services, so the
audit log holds no entry for them, as for the demo people); the running totals of the statistics
are rebuilt at the end.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from banbiantian.core.models import Level, OrgUnit

from . import tally
from .models import (
    Benefit,
    CensusChild,
    CensusRound,
    ChildrensHome,
    Consent,
    Enrolment,
    EnrolmentStep,
    Fund,
    FundEntry,
    HolidayRound,
    InsuranceClaim,
    InsurancePolicy,
    Kind,
    Pairing,
    Programme,
    ReliefApplication,
    ReliefPolicy,
    Result,
    ScreeningCampaign,
    ScreeningResult,
    SpringBudAid,
    SpringBudGirl,
    Status,
    Visit,
)

D = datetime.timedelta
CAP = 4000  # at most this many rows of any one kind, whatever the county's size
SOURCES = ["县妇联", "县财政", "爱心企业", "乡镇"]
DONORS = ["清溪县爱心企业联合会", "县农商银行", "乡贤王先生", "县慈善总会", "某电商企业"]
NEEDS = ["学习辅导", "心理关爱", "生活照料", "安全教育", ""]
CITIES = ["浙江杭州", "浙江义乌", "广东东莞", "江苏苏州", "上海", ""]


def _age(birth, today):
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day)) if birth else None


def _sample(rng, rows, share, low=1):
    n = min(CAP, len(rows), max(low, int(len(rows) * share)))
    return rng.sample(rows, n) if rows else []


def seed(county: OrgUnit, *, rng: random.Random, today: datetime.date, log) -> str:
    from banbiantian.people.models import GroupMembership, Person

    year = today.year
    townships = list(OrgUnit.objects.filter(path__startswith=county.path, level=Level.TOWNSHIP).order_by("code"))
    if not townships:
        return ""
    township_of = {}
    for township in townships:
        for unit_id in OrgUnit.objects.filter(path__startswith=township.path).values_list("id", flat=True):
            township_of[unit_id] = township
    people = list(Person.objects.filter(unit__path__startswith=county.path).values_list(
        "id", "unit_id", "sex", "birth_date", "name"))
    if not people:
        return ""
    women = [p for p in people if p[2] == "F" and (_age(p[3], today) or 30) >= 18]
    girls = [p for p in people if p[2] == "F" and 6 <= (_age(p[3], today) or 0) < 18]
    children = [p for p in people if 0 < (_age(p[3], today) or 0) < 16]
    name = {p[0]: p[4] for p in people}
    unit_of = {p[0]: p[1] for p in people}
    by_unit = defaultdict(list)
    for p in women:
        by_unit[p[1]].append(p[0])
    in_group = defaultdict(set)
    for person_id, code in GroupMembership.objects.filter(person__unit__path__startswith=county.path).exclude(
            end_date__lt=today).values_list("person_id", "group__code"):
        in_group[code].add(person_id)

    def day(start: datetime.date, end: datetime.date) -> datetime.date:
        return start + D(days=rng.randrange(max(1, (end - start).days + 1)))

    jan1 = datetime.date(year, 1, 1)

    # ---- programmes and funds ----------------------------------------------------------------
    prog = {kind: Programme.objects.create(unit=county, name=f"{year}年{label}", kind=kind, year=year,
                                           budget=Decimal(budget), fund_source="县妇联、县财政",
                                           eligibility=eligibility)
            for kind, label, budget, eligibility in (
                (Kind.HOLIDAY, "春节慰问", "300000", "困难妇女、留守儿童、单亲母亲"),
                (Kind.PAIRING, "“爱心妈妈”结对帮扶", "50000", "贫困母亲、留守儿童"),
                (Kind.SCREENING, "农村妇女两癌筛查", "200000", "35至64岁农村妇女"),
                (Kind.SPRING_BUD, "春蕾助学", "100000", "家庭困难的在校女童"),
                (Kind.INSURANCE, "女性安康保险", "60000", "低收入妇女"),
                (Kind.RELIEF, "低收入妇女两癌救助", "200000", "低保、低保边缘、特困、支出型困难家庭及防止返贫监测对象妇女"))}
    own = {t.pk: Programme.objects.create(unit=t, name=f"{t.name}{year}年关爱帮扶", kind=Kind.OTHER, year=year,
                                          fund_source="乡镇") for t in townships}
    # Funds are kept by the townships (a county-kept fund's donations count under the county itself,
    # in no township; the demo keeps the registry's sums over townships exact).
    funds = {t.pk: Fund.objects.create(unit=t, name=f"{t.name}爱心一元捐", purpose="节日慰问、春蕾助学、安康保险")
             for t in townships}

    # ---- enrolments --------------------------------------------------------------------------
    needy = in_group["poor_mothers"] | in_group["single_poor_mothers"]
    candidates = [p for p in women if p[0] in needy] + _sample(rng, [p for p in women if p[0] not in needy], 0.02)
    statuses = [Status.APPLIED, Status.REVIEWING] + [Status.APPROVED] * 5 + [Status.REJECTED, Status.ENDED]
    enrolments = []
    for p in _sample(rng, candidates, 0.8, low=5):
        programme = rng.choice([prog[Kind.PAIRING], prog[Kind.HOLIDAY], own[township_of[p[1]].pk]])
        status = rng.choice(statuses)
        enrolments.append(Enrolment(programme=programme, person_id=p[0], status=status,
                                    applied_on=day(jan1, today - D(days=20)) if today > jan1 + D(days=20) else jan1,
                                    reason={Status.REJECTED: "家庭收入超过标准", Status.ENDED: "已脱困"}.get(status, "")))
    enrolments = Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    if enrolments and enrolments[0].pk is None:
        enrolments = list(Enrolment.objects.filter(programme__in=[*prog.values(), *own.values()]))
    EnrolmentStep.objects.bulk_create([EnrolmentStep(enrolment=e, to_status=Status.APPLIED) for e in enrolments] + [
        EnrolmentStep(enrolment=e, from_status=Status.REVIEWING if e.status != Status.ENDED else Status.APPROVED,
                      to_status=e.status, reason=e.reason)
        for e in enrolments if e.status not in (Status.APPLIED,)], batch_size=2000)

    # ---- pairings and visits (some overdue) ------------------------------------------------------
    pairings = []
    for i, p in enumerate(_sample(rng, candidates, 0.5, low=6)):
        helpers = [h for h in by_unit[p[1]] if h != p[0]]
        if not helpers:
            continue
        start = day(today - D(days=700), today - D(days=120))
        last = start if i % 6 == 0 else day(max(start, today - D(days=80)), today)  # one in six never visited
        pairings.append(Pairing(helper_id=rng.choice(helpers), beneficiary_id=p[0], start_date=start,
                                helper_kind=rng.choice(["caring_mother", "caring_mother", "cadre", "volunteer"]),
                                programme=prog[Kind.PAIRING], situation="单亲，抚养两个孩子，收入不稳定",
                                last_contact_on=last))
    pairings = Pairing.objects.bulk_create(pairings, batch_size=2000)
    if pairings and pairings[0].pk is None:
        pairings = list(Pairing.objects.filter(programme=prog[Kind.PAIRING]))
    visits = []
    for pairing in pairings:
        if pairing.last_contact_on == pairing.start_date:
            continue  # never visited: overdue
        visits.append(Visit(pairing=pairing, date=pairing.last_contact_on, kind=rng.choice(["home", "call", "school"]),
                            done="入户走访，了解生活和孩子学习情况", needs=rng.choice(NEEDS), next_step="下月再访"))
        for _i in range(rng.randrange(3)):
            visits.append(Visit(pairing=pairing, date=day(pairing.start_date, pairing.last_contact_on), kind="call",
                                done="电话问候"))
    Visit.objects.bulk_create(visits, batch_size=2000)

    # ---- benefits: a Spring Festival round per township from its fund, and single gifts ---------
    festival = min(today, datetime.date(year, 2, 5))
    benefits, entries, rounds = [], [], 0
    members = in_group["poor_mothers"] | in_group["single_poor_mothers"] | in_group["left_behind_women"]
    recipients = [p for p in women if p[0] in members] or women
    chosen = _sample(rng, recipients, 0.7, low=10)
    by_township = defaultdict(list)
    for p in chosen:
        by_township[township_of[p[1]].pk].append(p)
    for township in townships:
        group = by_township.get(township.pk)
        if not group:
            continue
        round_ = HolidayRound.objects.create(unit=township, programme=prog[Kind.HOLIDAY], name=f"{year}春节慰问",
                                             date=festival, recipients=len(group))
        rounds += 1
        for p in group:
            benefits.append(Benefit(programme=prog[Kind.HOLIDAY], person_id=p[0], given_on=festival,
                                    cash=Decimal("200.00"), goods="米、油", goods_value=Decimal("100.00"),
                                    fund=funds[township.pk], fund_source=funds[township.pk].name,
                                    delivered_by=f"{township.name}妇联", round=round_))
    for p in _sample(rng, women, 0.05, low=10):
        programme = own[township_of[p[1]].pk]
        cash = Decimal(rng.choice([300, 500, 800, 1000]))
        benefits.append(Benefit(programme=programme, person_id=p[0], given_on=day(today - D(days=500), today),
                                cash=cash if rng.random() < 0.7 else None, goods="" if rng.random() < 0.5 else "学习用品",
                                goods_value=None, fund_source=rng.choice(SOURCES), delivered_by="乡镇妇联"))
        if benefits[-1].cash is None and not benefits[-1].goods:
            benefits[-1].goods = "慰问品"
    benefits = Benefit.objects.bulk_create(benefits, batch_size=2000)
    if benefits and benefits[0].pk is None:
        benefits = list(Benefit.objects.filter(programme__in=[*prog.values(), *own.values()]))
    spent = defaultdict(Decimal)
    for b in benefits:
        if b.fund_id:
            spent[b.fund_id] += b.cash or 0
            entries.append(FundEntry(fund_id=b.fund_id, direction="out", date=b.given_on, amount=b.cash, goods=b.goods,
                                     goods_value=b.goods_value, party=name[b.person_id], purpose=f"{year}春节慰问",
                                     benefit=b))

    # ---- Spring Bud girls; insurance; donations cover what the funds paid ---------------------------
    spring = []
    for p in _sample(rng, girls, 0.1, low=3):
        left = rng.random() < 0.05
        spring.append(SpringBudGirl(
            person_id=p[0], school=f"{township_of[p[1]].name}中心小学", grade=f"{rng.randrange(1, 7)}年级",
            family_situation="父母外出务工，由祖母抚养", donor=rng.choice(DONORS),
            registered_on=day(today - D(days=700), today - D(days=200)),
            left_school_on=today - D(days=30) if left else None, left_reason="随父母转学外地" if left else ""))
    spring = SpringBudGirl.objects.bulk_create(spring, batch_size=2000)
    if spring and spring[0].pk is None:
        spring = list(SpringBudGirl.objects.filter(person__unit__path__startswith=county.path))
    aids = []
    terms = [(f"{year - 1}秋", datetime.date(year - 1, 9, 10)), (f"{year}春", min(today, datetime.date(year, 3, 1)))]
    for girl in spring:
        for term, paid_on in terms[rng.randrange(2):]:
            aids.append(SpringBudAid(girl=girl, term=term, amount=Decimal("500.00"), donor=girl.donor, paid_on=paid_on,
                                     fund=funds[township_of[unit_of[girl.person_id]].pk]))
    aids = SpringBudAid.objects.bulk_create(aids, batch_size=2000)
    if aids and aids[0].pk is None:
        aids = list(SpringBudAid.objects.filter(fund__in=funds.values()))
    for aid in aids:
        spent[aid.fund_id] += aid.amount
        entries.append(FundEntry(fund_id=aid.fund_id, direction="out", date=aid.paid_on, amount=aid.amount,
                                 party=name[aid.girl.person_id], purpose=f"春蕾助学 {aid.term}", spring_bud_aid=aid))
    policies = InsurancePolicy.objects.bulk_create([
        InsurancePolicy(person_id=p[0], year=year, insurer="中国人寿清溪支公司", premium=Decimal("50.00"),
                        paid_by=rng.choice(["self", "federation", "federation", "donor"]), payer="")
        for p in _sample(rng, women, 0.05, low=5)], batch_size=2000)
    if policies and policies[0].pk is None:
        policies = list(InsurancePolicy.objects.filter(year=year, person__unit__path__startswith=county.path))
    for policy in policies:
        if policy.paid_by == "self":
            continue
        if policy.paid_by == "donor":
            policy.payer = rng.choice(DONORS)
        policy.fund = funds[township_of[unit_of[policy.person_id]].pk]
        spent[policy.fund.pk] += policy.premium
        entries.append(FundEntry(fund=policy.fund, direction="out", date=jan1, amount=policy.premium,
                                 party=name[policy.person_id], purpose=f"{year}年女性安康保险保费",
                                 insurance_policy=policy))
    InsurancePolicy.objects.bulk_update([p for p in policies if p.paid_by != "self"], ["payer", "fund"],
                                        batch_size=2000)
    InsuranceClaim.objects.bulk_create([
        InsuranceClaim(policy=p, date=day(jan1, today), reason=rng.choice(["住院治疗", "意外受伤", "重大疾病"]),
                       amount_paid=Decimal(rng.choice([1000, 3000, 10000])))
        for p in policies if rng.random() < 0.05])
    donations = [FundEntry(fund_id=fund_id, direction="in", date=jan1 - D(days=rng.randrange(1, 60)),
                           amount=(total * Decimal(rng.uniform(1.1, 1.5))).quantize(Decimal("1")) + 1000,
                           party=rng.choice(DONORS), purpose="爱心捐款")
                 for fund_id, total in [*spent.items(), *((f.pk, Decimal(0)) for f in funds.values() if f.pk not in spent)]]
    FundEntry.objects.bulk_create(donations + entries, batch_size=2000)

    # ---- two-cancer screening, last year and this year; relief for the confirmed ---------------------
    campaigns = {(t.pk, y): ScreeningCampaign.objects.create(
        unit=t, programme=prog[Kind.SCREENING] if y == year else None, name=f"{t.name}{y}年两癌筛查",
        date=min(today, datetime.date(y, 4, 15)), institution="清溪县妇幼保健院") for t in townships
        for y in (year - 1, year)}
    screened_age = [p for p in women if 35 <= (_age(p[3], today) or 0) <= 64]
    outcomes = [Result.NORMAL] * 90 + [Result.REVIEW] * 6 + [Result.SUSPECTED] * 2 + [Result.CONFIRMED] * 2
    results, consents = [], []
    for p in _sample(rng, screened_age, 0.25, low=10):
        consents.append(Consent(person_id=p[0], kind="health", basis="consent", given_on=jan1 - D(days=400)))
        for y in (year - 1, year) if rng.random() < 0.4 else (rng.choice((year - 1, year)),):
            outcome = rng.choice(outcomes)
            results.append(ScreeningResult(
                campaign=campaigns[(township_of[p[1]].pk, y)], person_id=p[0], result=outcome,
                cervical=True, breast=rng.random() < 0.8,
                diagnosis=rng.choice(["cervical_invasive", "breast_invasive"]) if outcome == Result.CONFIRMED else "",
                stage="IIIA" if outcome == Result.CONFIRMED else "",
                follow_up="已复查" if outcome != Result.NORMAL and rng.random() < 0.7 else "",
                treatment="已住院治疗" if outcome == Result.CONFIRMED else ""))
    Consent.objects.bulk_create(consents, batch_size=2000)
    results = ScreeningResult.objects.bulk_create(results, batch_size=2000)
    if results and results[0].pk is None:
        results = list(ScreeningResult.objects.filter(campaign__in=campaigns.values()))
    policy = ReliefPolicy.objects.create(unit=county, name="低收入妇女“两癌”救助", amount=Decimal("10000.00"),
                                         categories=["低保对象", "低保边缘家庭", "特困供养人员", "支出型困难家庭",
                                                     "防止返贫监测对象"])
    relief, seen = [], set()
    for r in results:
        if r.result == Result.CONFIRMED and (r.person_id, r.campaign.date.year) not in seen:
            seen.add((r.person_id, r.campaign.date.year))
            status = rng.choice([Status.APPLIED, Status.REVIEWING, Status.APPROVED, Status.APPROVED])
            relief.append(ReliefApplication(result=r, person_id=r.person_id, policy=policy, year=r.campaign.date.year,
                                            category=rng.choice(policy.categories), amount=policy.amount,
                                            status=status, decided_on=r.campaign.date + D(days=30)
                                            if status == Status.APPROVED and r.campaign.date + D(days=30) <= today
                                            else None))
    ReliefApplication.objects.bulk_create(relief)

    # ---- left-behind children: this year's census and last year's -------------------------------------
    homes = {t.pk: ChildrensHome.objects.create(unit=OrgUnit.objects.filter(parent=t).order_by("code").first() or t,
                                                name=f"{t.name}儿童之家", address=f"{t.name}文化礼堂")
             for t in townships}
    left_behind = _sample(rng, children, 0.12, low=5)
    census = []
    for y in (year - 1, year):
        rounds_by_township = {t.pk: CensusRound.objects.create(unit=t, year=y, name=f"{t.name}{y}年留守儿童普查")
                              for t in townships}
        kept = left_behind if y == year else [c for c in left_behind if rng.random() < 0.8]
        for c in kept:
            census.append(CensusChild(round=rounds_by_township[township_of[c[1]].pk], child_id=c[0], guardian="祖母",
                                      father_whereabouts=rng.choice(CITIES), mother_whereabouts=rng.choice(CITIES),
                                      school=f"{township_of[c[1]].name}中心小学", needs=rng.choice(NEEDS),
                                      home=homes[township_of[c[1]].pk] if rng.random() < 0.6 else None))
        Consent.objects.bulk_create([Consent(person_id=c[0], kind="minor", basis="guardian", given_on=jan1)
                                     for c in kept if y == year and (_age(c[3], today) or 0) < 14])
    CensusChild.objects.bulk_create(census, batch_size=2000)

    tally.rebuild()
    overdue = sum(1 for p in pairings if p.last_contact_on < today - D(days=90))
    return (f"关爱帮扶：{len(prog) + len(own)} 个项目，{len(enrolments)} 名帮扶对象，{len(pairings)} 对结对"
            f"（{overdue} 对逾期未走访），{len(benefits)} 次发放（{rounds} 轮春节慰问），{len(results)} 条两癌筛查结果，"
            f"{len(relief)} 件两癌救助，{len(spring)} 名春蕾女童，{len(census)} 条留守儿童普查，{len(policies)} 份女性安康保险")
