"""A figure and the records it counts (统计法: a figure traces back to its ledger): the page of
the metrics registry that plans, statistical forms and dashboards link to (metrics.figure_url)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import metrics, services
from .access import permission_required, require_perm, unit_for_user
from .metrics import RATE, Period
from .views_util import client_ip

PAGE_SIZE = 20


@require_GET
@permission_required("view_plans")
def figure(request, key, nav=None):
    """One figure and its records, for a unit in the user's scope and a period; 404 outside the
    scope, 403 without the metric's permission. `nav` is the area's menu shown above it (the URL
    mounting the page chooses it)."""
    try:
        metric = metrics.get(key)
    except KeyError:
        raise Http404 from None
    source = metrics.get(metric.numerator) if metric.kind == RATE else metric
    for perm in metrics.permissions(key):
        require_perm(request.user, perm)
    unit = unit_for_user(request.user, request.GET.get("unit") or request.user.unit_id, "view_plans")
    try:
        period = Period.parse(request.GET.get("period") or str(timezone.localdate().year))
    except (ValueError, KeyError, IndexError):
        raise Http404 from None
    children = list(unit.children.order_by("code"))
    keys = [key, metric.numerator, metric.denominator] if metric.kind == RATE else [key]
    figures = metrics.compute(keys, [unit, *children], period)
    children = metrics.drill_units(children, period, figures[source.key])
    page = query = None
    rows = []
    headers = [header for header, _cell in source.columns]
    if source.records is not None:
        page = Paginator(source.records(request.user, unit, period), PAGE_SIZE).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        query = params.urlencode()
        for record in page:
            link = source.link(record) if source.link else (
                record.get_absolute_url() if hasattr(record, "get_absolute_url") else None)
            rows.append((link, list(zip(headers, [cell(record) for _header, cell in source.columns], strict=True))))
        services.figure_records_viewed(by=request.user, metric=source, unit=unit, period=period,
                                       records=list(page), ip_address=client_ip(request))
    value = figures[key][unit.pk]

    def url(u, p):  # she may open the figure's records: she is on its page
        return metrics.figure_url(key, u, p, request.user)

    return render(request, "core/figure.html", {
        "nav": nav,
        "metric": metric, "source": source, "unit": unit, "period": period, "value": value,
        "basis_note": metrics.BASIS_NOTES.get(metric.basis, ""),
        "numerator": figures[metric.numerator][unit.pk] if metric.kind == RATE else None,
        "denominator": figures[metric.denominator][unit.pk] if metric.kind == RATE else None,
        "numerator_metric": source if metric.kind == RATE else None,
        "denominator_metric": metrics.get(metric.denominator) if metric.kind == RATE else None,
        "children": [(c, figures[key][c.pk], url(c, period)) for c in children],
        "parent_url": url(unit.parent, period) if unit.pk != request.user.unit_id and unit.parent_id else None,
        "periods": _period_links(lambda p: url(unit, p), period),
        "headers": headers, "rows": rows, "page": page, "query": query,
        "shown": page.paginator.count if page is not None else None,
        "counted": figures[source.key][unit.pk],
    })


def _period_links(url, period: Period) -> list[tuple[str, str, bool]]:
    year = period.year
    options = [Period("year", year - 1), Period("year", year), *(Period("quarter", year, q) for q in range(1, 5))]
    return [(p.label, url(p), p == period) for p in options]
