"""The access log of the sensitive module: every opening of a case and every export."""


from collections.abc import Iterable

from django.db import transaction

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, OrgUnit, User

from ..models import (
    Case,
)


@transaction.atomic(savepoint=False)  # one INSERT: atomic by itself, no savepoint round trips per page
def case_opened(*, by: User, case: Case, ip_address: str | None = None, what: str = "case") -> None:
    """Every opening of a case (or download of its attachment) is in the access log."""
    audit.record(actor=by, action=AuditEntry.Action.VIEW, obj=case, changes={"opened": what}, ip_address=ip_address)


@transaction.atomic(savepoint=False)
def export_logged(*, by: User, unit: OrgUnit, what: str, rows: int, ip_address: str | None = None,
                  full_id_numbers: bool | None = None) -> None:
    """A download or print of cases; for one showing ID numbers, whether they were full is kept, as the
    people export's is."""
    require_perm(by, "export_rights_cases")
    changes = {"rows": rows}
    if full_id_numbers is not None:
        changes["id_numbers"] = "full" if full_id_numbers else "masked"
    audit.record(actor=by, action=AuditEntry.Action.EXPORT, unit=unit, object_type="rights.case",
                 object_repr=what, changes=changes, ip_address=ip_address)


@transaction.atomic(savepoint=False)
def dv_cases_listed(*, by: User, cases: Iterable[Case], what: str, ip_address: str | None = None) -> None:
    """A list page showed these cases: ONE view entry naming the family-violence victims among them (the
    sensitive category; other petitions are logged when opened), not one per row."""
    from banbiantian.core import services as core_services

    victims = [case.petitioner for case in cases if case.is_dv]
    core_services.records_viewed(by=by, object_type="rights.case", what=what, records=victims,
                                 ip_address=ip_address)
