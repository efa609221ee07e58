import itertools

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from banbiantian.lib import idnumber

from . import audit
from .access import permission_required
from .forms import AuditFilterForm
from .selectors import audit_list

PAGE_SIZE = 50
EXPORT_HEADERS = [gettext_lazy("时间"), gettext_lazy("操作人"), gettext_lazy("操作"), gettext_lazy("对象类型"),
                  gettext_lazy("对象编号"), gettext_lazy("对象"), gettext_lazy("单位"), gettext_lazy("变更内容"),
                  gettext_lazy("IP地址")]


def _changes_text(entry, lines=None, *, full_id_numbers: bool) -> str:
    lines = entry.change_lines() if lines is None else lines
    masked = {} if full_id_numbers else {str(v): idnumber.mask(str(v)) for v in _id_numbers(entry.changes)}
    text = []
    for label, before, after in lines:
        before, after = masked.get(str(before), before), masked.get(str(after), after)
        after = _("（空）") if after is None else after
        text.append(f"{label}：{before} → {after}" if before is not None else f"{label}：{after}")
    return "\n".join(text)


def _id_numbers(changes) -> list:
    """The values recorded under id_number (a registration records the number as it was typed)."""
    value = (changes or {}).get("id_number")
    values = value if isinstance(value, list) else [value]
    return [v for v in values if v]


def _actor(e) -> str:
    return f"{e.actor.full_name}（{e.actor.username}）" if e.actor and e.actor.full_name else (
        e.actor.username if e.actor else "")


def _export_rows(entries, *, full_id_numbers: bool):
    # Linked records' names are looked up once per chunk of entries, not once per entry.
    for chunk in itertools.batched(entries.iterator(chunk_size=2000), 2000):
        for e, lines in zip(chunk, audit.describe(chunk), strict=True):
            yield [timezone.localtime(e.at).replace(tzinfo=None), _actor(e), e.get_action_display(), e.object_label,
                   str(e.object_id or ""), e.object_repr, e.unit.name if e.unit else "",
                   _changes_text(e, lines, full_id_numbers=full_id_numbers), e.ip_address or ""]


@require_GET
@permission_required("view_audit")
def audit_list_view(request):
    """Read-only: no page, form or API deletes or edits audit rows. `?format=xlsx` exports what the
    filters select (names of people are in it: export_personal_data as well, ID numbers masked without
    view_id_number, and the export is itself logged)."""
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_list(user=request.user, filters=filters)
    may_export = request.user.has_perm_name("export_personal_data")
    if request.GET.get("format") == "xlsx":
        if not may_export:
            raise PermissionDenied
        from banbiantian.core import exports

        return exports.logged_list_export(request, label=_("审计日志"), headers=EXPORT_HEADERS,
                                          rows=_export_rows(entries, full_id_numbers=request.user.has_perm_name(
                                              "view_id_number")), object_type="core.auditentry",
                                          total=entries.count())
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry, lines in zip(page, audit.describe(list(page)), strict=True):
        entry.lines = lines
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_list.html", {"form": form, "page": page, "query": query.urlencode(),
                                                    "may_export": may_export})
