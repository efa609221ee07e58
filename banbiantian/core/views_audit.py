from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import permission_required
from .selectors import audit_list


@require_GET
@permission_required("view_audit")
def audit_list_view(request):
    page = Paginator(audit_list(user=request.user, filters=request.GET.dict()), 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"page": page})
