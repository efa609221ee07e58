from django.http import HttpResponse
from django.views.decorators.http import require_GET

from banbiantian.core.access import permission_required


@require_GET
@permission_required("view_stub")
def home(request):
    return HttpResponse("样例工作区")
