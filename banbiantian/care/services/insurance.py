"""女性安康保险: policies (a premium perhaps paid from a fund) and claims."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, User
from banbiantian.lib.errors import Errors
from banbiantian.people.models import Person

from ..models import (
    Fund,
    InsuranceClaim,
    InsurancePolicy,
)
from ._common import clean_money
from .funds import _pay_from_fund


@transaction.atomic
def insurance_policy_create(*, by: User, person: Person, year: int, insurer: str, premium: Decimal | str,
                            paid_by: str, payer: str = "", fund: Fund | None = None,
                            overdraw_reason: str = "") -> InsurancePolicy:
    require_perm(by, "edit_care")
    premium = clean_money(value=premium, field="premium", label=_("保费"))
    errors = Errors()
    if paid_by == "donor" and not (payer or "").strip():
        errors.add("payer", _("由爱心捐赠支付时请填写捐赠人。"))
    if InsurancePolicy.objects.filter(person=person, year=year, voided_at__isnull=True).exists():
        errors.add("year", _("“%(n)s”%(y)s年已投保。") % {"n": person.name, "y": year})
    if fund is not None and paid_by == "self":
        errors.add("fund", _("本人缴纳的保费不从善款中支出；由妇联或爱心捐赠支付时才选择善款资金。"))
    errors.raise_if_any()
    policy = InsurancePolicy.objects.create(person=person, year=year, insurer=insurer, premium=premium,
                                            paid_by=paid_by, payer=payer, fund=fund)
    _pay_from_fund(by=by, fund=fund, amount=premium, date=timezone.localdate(), party=person.name,
                   purpose=_("%(y)s年女性安康保险保费") % {"y": year}, overdraw_reason=overdraw_reason,
                   insurance_policy=policy)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=policy, unit=person.unit,
                 changes=audit.snapshot(policy, ["year", "insurer", "premium", "paid_by", "payer"]))
    return policy


@transaction.atomic
def insurance_claim_create(*, by: User, policy: InsurancePolicy, date: datetime.date, reason: str,
                           amount_paid: Decimal | str) -> InsuranceClaim:
    require_perm(by, "edit_care")
    amount_paid = clean_money(value=amount_paid, field="amount_paid", label=_("赔付金额"))
    if policy.voided_at:
        raise ValidationError({"reason": _("该保单已作废。")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写出险原因。")})
    claim = InsuranceClaim.objects.create(policy=policy, date=date, reason=reason, amount_paid=amount_paid)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=claim, unit=policy.person.unit,
                 changes={"date": str(date), "amount_paid": str(amount_paid)})
    return claim
