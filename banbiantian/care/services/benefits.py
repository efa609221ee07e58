"""Help given: one benefit to one person, or a holiday round (春节慰问) to many at once."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, OrgUnit, User
from banbiantian.lib.errors import Errors
from banbiantian.people.models import Person

from .. import tally
from ..models import (
    Benefit,
    Fund,
    FundEntry,
    HolidayRound,
    Programme,
)
from ._common import _check_person_in_programme, _within, clean_money
from .funds import _lock_fund_and_check


def _clean_benefit(*, by, programme, fund, given_on, cash, goods, goods_value, delivered_by, fund_source):
    errors = Errors()
    cash = errors.value(clean_money, value=cash, field="cash", label=_("现金"), required=False)
    goods_value = errors.value(clean_money, value=goods_value, field="goods_value", label=_("物品折价"), required=False)
    goods = (goods or "").strip()
    if cash is None and "cash" not in errors and not goods:
        errors.add("cash", _("请填写现金金额或发放的物品。"))
    if goods_value is not None and not goods:
        errors.add("goods", _("填写了物品折价，请同时写明物品。"))
    if not given_on:
        errors.add("given_on", _("请填写发放日期。"))
    elif given_on > timezone.localdate():
        errors.add("given_on", _("发放日期不能晚于今天。"))
    if not (delivered_by or "").strip():
        errors.add("delivered_by", _("请填写发放人。"))
    if fund is not None and not fund.unit.is_within(by.unit):
        errors.add("fund", _("所选资金不在您的管辖范围内。"))
    errors.raise_if_any()
    fund_source = (fund_source or "").strip() or (fund.name if fund else "") or programme.fund_source
    if not fund_source:
        raise ValidationError({"fund_source": _("请填写资金来源或选择善款资金。")})
    return cash, goods, goods_value, fund_source


@transaction.atomic
def benefit_create(*, by: User, programme: Programme, person: Person, given_on: datetime.date,
                   cash: Decimal | str | None = None, goods: str = "",
                   goods_value: Decimal | str | None = None, fund: Fund | None = None, fund_source: str = "",
                   delivered_by: str = "", note: str = "", overdraw_reason: str = "") -> Benefit:
    require_perm(by, "edit_care")
    _check_person_in_programme(programme, person)
    cash, goods, goods_value, fund_source = _clean_benefit(
        by=by, programme=programme, fund=fund, given_on=given_on, cash=cash, goods=goods, goods_value=goods_value,
        delivered_by=delivered_by, fund_source=fund_source)
    if fund is not None and cash:
        _lock_fund_and_check(fund, cash, overdraw_reason)
    benefit = Benefit.objects.create(programme=programme, person=person, given_on=given_on, cash=cash, goods=goods,
                                     goods_value=goods_value, fund=fund, fund_source=fund_source,
                                     delivered_by=delivered_by, note=note, created_by=by)
    if fund is not None:
        FundEntry.objects.create(fund=fund, direction=FundEntry.Direction.OUT, date=given_on, amount=cash,
                                 goods=goods, goods_value=goods_value, party=person.name, purpose=programme.name,
                                 benefit=benefit, overdraw_reason=overdraw_reason, created_by=by)
    tally.benefits_added([benefit])
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=benefit, unit=person.unit,
                 changes=audit.snapshot(benefit, ["programme", "person", "given_on", "cash", "goods", "goods_value",
                                                  "fund", "fund_source", "delivered_by"]))
    return benefit


@transaction.atomic
def holiday_round_record(*, by: User, unit: OrgUnit, programme: Programme, name: str, date: datetime.date,
                         people: Iterable[Person], cash: Decimal | str | None = None, goods: str = "",
                         goods_value: Decimal | str | None = None, fund: Fund | None = None,
                         fund_source: str = "", delivered_by: str = "",
                         overdraw_reason: str = "") -> HolidayRound:
    """Record a whole visiting round at once: all the benefits or none of them.

    `people` is a queryset (or list) of Person already scoped to the user; each must lie in the
    programme's unit. Benefits and fund entries are written with bulk_create so 2,000 recipients
    take a handful of statements; one audit entry names the round and its count.
    """
    require_perm(by, "edit_care")
    _within(by, unit)
    if not (name or "").strip():
        raise ValidationError({"name": _("请填写慰问名称。")})
    cash, goods, goods_value, fund_source = _clean_benefit(
        by=by, programme=programme, fund=fund, given_on=date, cash=cash, goods=goods, goods_value=goods_value,
        delivered_by=delivered_by, fund_source=fund_source)
    recipients = list(people)
    if not recipients:
        raise ValidationError({"people": _("筛选结果中没有慰问对象。")})
    outside = [p.name for p in recipients if not p.unit.is_within(programme.unit) or not p.unit.is_within(unit)]
    if outside:
        raise ValidationError({"people": _("以下人员不在项目或本次慰问的单位范围内：%(names)s") % {
            "names": "、".join(outside[:10]) + ("等" if len(outside) > 10 else "")}})
    if fund is not None and cash:
        _lock_fund_and_check(fund, cash * len(recipients), overdraw_reason)
    round_ = HolidayRound.objects.create(unit=unit, programme=programme, name=name.strip(), date=date,
                                         recipients=len(recipients), created_by=by)
    benefits = Benefit.objects.bulk_create([
        Benefit(programme=programme, person=p, given_on=date, cash=cash, goods=goods, goods_value=goods_value,
                fund=fund, fund_source=fund_source, delivered_by=delivered_by, round=round_, created_by=by)
        for p in recipients
    ], batch_size=500)
    if benefits and benefits[0].pk is None:  # backends without RETURNING: fetch the ids back
        benefits = list(Benefit.objects.filter(round=round_).select_related("person").order_by("id"))
    if fund is not None:
        FundEntry.objects.bulk_create([
            FundEntry(fund=fund, direction=FundEntry.Direction.OUT, date=date, amount=cash, goods=goods,
                      goods_value=goods_value, party=b.person.name, purpose=round_.name, benefit=b,
                      overdraw_reason=overdraw_reason, created_by=by)
            for b in benefits
        ], batch_size=500)
    tally.benefits_added(benefits)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=round_, changes={
        "programme": str(programme), "date": str(date), "recipients": len(recipients),
        "cash": str(cash) if cash else None, "goods": goods, "fund_source": fund_source})
    return round_
