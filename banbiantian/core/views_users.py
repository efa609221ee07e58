from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import permission_required, scope
from .models import User


@require_GET
@permission_required("manage_users")
def user_list(request):
    users = scope(User.objects.select_related("unit"), request.user, "manage_users")
    return render(request, "core/user_list.html", {"users": users.order_by("unit__path", "username")})
