from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import permission_required
from .forms import AuditFilterForm
from .selectors import audit_list

PAGE_SIZE = 50


@require_GET
@permission_required("view_audit")
def audit_list_view(request):
    """Read-only: no page, form or API deletes or edits audit rows."""
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(audit_list(user=request.user, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_list.html", {"form": form, "page": page, "query": query.urlencode()})
