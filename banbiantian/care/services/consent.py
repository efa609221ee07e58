"""The basis (consent or a statutory duty) for handling a woman's or a child's sensitive data."""

import datetime

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
    Consent,
    SensitiveKind,
)


def active_consent(*, person: Person, kind: str) -> Consent | None:
    return Consent.objects.filter(person=person, kind=kind, withdrawn_on__isnull=True).order_by("-given_on").first()


@transaction.atomic
def consent_record(*, by: User, person: Person, kind: str, basis: str, given_on: datetime.date,
                   note: str = "") -> Consent:
    require_perm(by, "edit_care")
    errors = Errors()
    if given_on > timezone.localdate():
        errors.add("given_on", _("日期不能晚于今天。"))
    if basis == "guardian" and (person.age is None or person.age >= 14):
        errors.add("basis", _("监护人同意仅适用于不满十四周岁的儿童；本人已满十四周岁，应取得本人同意。"))
    if basis == "consent" and person.age is not None and person.age < 14:
        errors.add("basis", _("不满十四周岁的儿童，应取得其监护人的同意。"))
    errors.raise_if_any()
    consent = Consent.objects.create(person=person, kind=kind, basis=basis, given_on=given_on, note=note,
                                     created_by=by)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=consent, unit=person.unit,
                 changes=audit.snapshot(consent, ["kind", "basis", "given_on", "note"]))
    return consent


@transaction.atomic
def consent_withdraw(*, by: User, consent: Consent, withdrawn_on: datetime.date) -> Consent:
    require_perm(by, "edit_care")
    if consent.withdrawn_on:
        raise ValidationError({"withdrawn_on": _("该授权已撤回。")})
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": _("撤回日期不能早于授权日期。")})
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=consent, unit=consent.person.unit,
                 changes={"withdrawn_on": [None, str(withdrawn_on)]})
    return consent


def _require_basis(person, kind):
    if active_consent(person=person, kind=kind) is None:
        raise ValidationError({"person": _("没有“%(name)s”的有效%(k)s处理依据(同意或法定职责)，或已撤回，不能用于新的工作。") % {
            "name": person.name, "k": SensitiveKind(kind).label}})


def _require_child_basis(person):
    """A child under 14's data is sensitive: a guardian's consent (or a statutory duty) must be on record."""
    if person.age is not None and person.age < 14:
        _require_basis(person, SensitiveKind.MINOR)
