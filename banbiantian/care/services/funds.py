"""善款: the funds a unit keeps, money and goods in and out, never past the balance without a reason."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DecimalField, F, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, OrgUnit, User
from banbiantian.lib.errors import Errors

from ..models import (
    Fund,
    FundEntry,
)
from ._common import CENT, _within, clean_money


def fund_balance(*, fund: Fund) -> Decimal:
    signed = Case(When(direction=FundEntry.Direction.IN, then=F("amount")), default=-F("amount"),
                  output_field=DecimalField(max_digits=14, decimal_places=2))
    total = fund.entries.filter(amount__isnull=False).aggregate(b=Coalesce(Sum(signed), Value(Decimal("0"))))["b"]
    return Decimal(total).quantize(CENT)


@transaction.atomic
def fund_create(*, by: User, unit: OrgUnit, name: str, purpose: str = "") -> Fund:
    require_perm(by, "edit_care")
    _within(by, unit)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("资金名称不能为空。")})
    if Fund.objects.filter(unit=unit, name=name).exists():
        raise ValidationError({"name": _("本单位已有同名资金。")})
    fund = Fund.objects.create(unit=unit, name=name, purpose=purpose)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=fund, changes=audit.snapshot(fund))
    return fund


def _lock_fund_and_check(fund: Fund, outgoing: Decimal, overdraw_reason: str) -> None:
    """Lock the fund row so two payments cannot both see the same balance, then refuse an unexplained overdraft."""
    Fund.objects.select_for_update().filter(pk=fund.pk).first()
    balance = fund_balance(fund=fund)
    if outgoing > balance and not (overdraw_reason or "").strip():
        raise ValidationError({"amount": _("“%(f)s”余额%(b)s元，不足支出%(a)s元；如确需透支，请填写透支原因。") % {
            "f": fund.name, "b": balance, "a": outgoing}})


def _pay_from_fund(*, by, fund: Fund | None, amount: Decimal, date: datetime.date, party: str, purpose: str,
                   overdraw_reason: str = "", **link) -> FundEntry | None:
    """Money out of a fund for help given (Spring Bud aid, an insurance premium): refused past the
    balance unless a reason is recorded, like a benefit."""
    if fund is None:
        return None
    if not fund.unit.is_within(by.unit):
        raise ValidationError({"fund": _("所选资金不在您的管辖范围内。")})
    _lock_fund_and_check(fund, amount, overdraw_reason)
    return FundEntry.objects.create(fund=fund, direction=FundEntry.Direction.OUT, date=date, amount=amount,
                                    party=party, purpose=purpose, overdraw_reason=(overdraw_reason or "").strip(),
                                    created_by=by, **link)


@transaction.atomic
def fund_entry_create(*, by: User, fund: Fund, direction: str, date: datetime.date, party: str,
                      amount: Decimal | str | None = None, goods: str = "",
                      goods_value: Decimal | str | None = None, purpose: str = "",
                      overdraw_reason: str = "") -> FundEntry:
    require_perm(by, "edit_care")
    errors = Errors()
    amount = errors.value(clean_money, value=amount, field="amount", label=_("金额"), required=False)
    goods_value = errors.value(clean_money, value=goods_value, field="goods_value", label=_("物品折价"), required=False)
    if amount is None and "amount" not in errors and not goods.strip():
        errors.add("amount", _("请填写金额或物品。"))
    if not (party or "").strip():
        errors.add("party", _("请填写捐赠人或去向。"))
    errors.raise_if_any()
    if direction == FundEntry.Direction.OUT and amount:
        _lock_fund_and_check(fund, amount, overdraw_reason)
    entry = FundEntry.objects.create(fund=fund, direction=direction, date=date, amount=amount, goods=goods,
                                     goods_value=goods_value, party=party, purpose=purpose,
                                     overdraw_reason=overdraw_reason if direction == FundEntry.Direction.OUT else "",
                                     created_by=by)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=entry, unit=fund.unit,
                 changes=audit.snapshot(entry, ["direction", "date", "amount", "goods", "goods_value", "party",
                                                "purpose", "overdraw_reason"]))
    return entry
