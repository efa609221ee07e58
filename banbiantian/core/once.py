"""One-time form tokens: a second tap on a slow network, or Back then save, never saves a form twice.

Every POST form renders `{% csrf_token %}`; in this product that tag also renders a hidden one-time token
(core/templatetags/once.py, a template builtin), so no area has to remember it. OnceMiddleware claims the
token when the form is first posted. If the first submission ends in a redirect (the usual answer to a
saved form) without an error message, the redirect's target is kept: the same token posted again is
answered with that page and "该表单已提交，未重复保存" — nothing is saved twice. A submission that fails
(a page of errors, a refusal) releases its token, so the corrected form can be sent again. A second post
arriving while the first is still being handled waits for it.

Only signed-in users' form posts are guarded (not the login form, not the JSON API); tokens are per user
and kept for a day.
"""

import datetime
import secrets
import time

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import FormSubmission

FIELD = "_once"
KEEP = datetime.timedelta(days=1)
WAIT_SECONDS = 15
POLL_SECONDS = 0.2
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def new_token() -> str:
    return secrets.token_urlsafe(18)


def _token(request) -> str | None:
    if request.method != "POST" or request.content_type not in FORM_TYPES:
        return None
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return None
    token = request.POST.get(FIELD, "")
    return token[:64] or None


def _claim(user, token):
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(user=user, token=token)
    except IntegrityError:
        return None


def _failed(request) -> bool:
    """The view redirected, but with an error message (a refusal shown on the page it went back to)."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return any(m.level >= messages.ERROR for m in queued)


class OnceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        claim = getattr(request, "_once_claim", None)
        if claim is not None:
            rows = FormSubmission.objects.filter(pk=claim.pk)
            if response.status_code in (301, 302, 303) and response.has_header("Location") and not _failed(request):
                rows.update(result_url=response["Location"])
            else:
                rows.delete()
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Runs after the CSRF check (the middleware is listed after it)."""
        token = _token(request)
        if token is None:
            return None
        FormSubmission.objects.filter(at__lt=timezone.now() - KEEP).delete()
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            claim = _claim(request.user, token)
            if claim is not None:
                request._once_claim = claim
                return None
            first = FormSubmission.objects.filter(user=request.user, token=token).first()
            if first is not None and first.result_url:
                messages.info(request, _("该表单已提交，未重复保存。"))
                return redirect(first.result_url)
            if time.monotonic() > deadline:
                messages.info(request, _("该表单已提交，正在保存，请稍后查看，未重复保存。"))
                return redirect(request.get_full_path())
            time.sleep(POLL_SECONDS)
