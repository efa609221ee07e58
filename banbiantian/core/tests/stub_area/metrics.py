from banbiantian.core.metrics import COUNT, STOCK, Metric, register, subtree_values
from banbiantian.core.models import OrgUnit


def _open_units(units, period):
    """Open units below each unit asked (the unit itself included)."""
    return subtree_values(OrgUnit.objects.filter(active_to__isnull=True), "path", units)


register(Metric(key="stubarea.open_units", label="样例单位", unit="个", area="stubarea", kind=COUNT,
                values=_open_units, basis=STOCK))
