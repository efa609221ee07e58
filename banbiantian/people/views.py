from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from banbiantian.core.access import get_for_user, permission_required
from banbiantian.core.views_util import client_ip, errors_to_form

from . import services
from .choices import Relation
from .forms import (
    MembershipCorrectForm,
    MembershipEndForm,
    MembershipForm,
    PersonFilterForm,
    PersonForm,
    VoidForm,
)
from .models import GroupMembership
from .selectors import duplicate_candidates, get_person_for_user, household_members, person_list

PAGE_SIZE = 20


@require_GET
@permission_required("view_people")
def person_list_view(request):
    form = PersonFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    people = person_list(
        user=request.user,
        q=filters.get("q", ""),
        unit=filters.get("unit"),
        group=filters.get("group"),
        age_band=filters.get("age_band", ""),
        duplicates=filters.get("duplicates", False),
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "people/_results.html" if request.htmx and not request.htmx.boosted else "people/list.html"
    return render(request, template, context)


@require_GET
@permission_required("export_personal_data")
def person_export(request):
    """The list as shown (its filters, the user's scope) as .xlsx; masked ID numbers unless she may see them."""
    from banbiantian.core.exports import logged_list_export

    from .transfer import EXPORT_HEADERS, export_rows

    form = PersonFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    people = person_list(user=request.user, q=filters.get("q", ""), unit=filters.get("unit"),
                         group=filters.get("group"), age_band=filters.get("age_band", ""),
                         duplicates=filters.get("duplicates", False))
    full = request.user.has_perm_name("view_id_number")
    return logged_list_export(request, label=_("人员信息"), headers=EXPORT_HEADERS,
                              rows=export_rows(people, full_id_numbers=full), object_type="people.person",
                              changes={"id_numbers": "full" if full else "masked"}, total=people.count())


@require_GET
@permission_required("view_people")
def person_detail(request, pk):
    person = get_person_for_user(request.user, pk)
    if person.is_minor:  # a child's page: view_children (403 without), and the view is logged
        services.children_viewed(by=request.user, children=[person], what=_("未成年人个人页"),
                                 ip_address=client_ip(request))
    return render(request, "people/detail.html", {
        "person": person,
        "household_members": household_members(person.household) if person.household_id else [],
        "membership_form": MembershipForm(),
    })


@require_http_methods(["GET", "POST"])
@permission_required("edit_people")
def person_create(request):
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已登记“%(name)s”。") % {"name": person.name})
            if person.possible_duplicate:
                messages.warning(request, _("同村已有同名且电话或出生日期相同的人员，已标记为疑似重复，请核实。"))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/form.html", {"form": form, "title": _("登记人员")})


@require_http_methods(["GET", "POST"])
@permission_required("edit_people")
def person_edit(request, pk):
    person = get_person_for_user(request.user, pk, perm="edit_people")
    show_id = request.user.has_perm_name("view_id_number")
    initial = {f: getattr(person, f) for f in services.PERSON_FIELDS}
    initial.update(unit=person.unit, id_number=person.id_number if show_id else "",
                   id_number_masked=person.id_number_masked)
    form = PersonForm(request.POST or None, initial=initial, user=request.user, show_id_number=show_id, new=False)
    if request.method == "GET" and person.is_minor:  # a child's record shown in the form: logged as viewed
        services.children_viewed(by=request.user, children=[person], what=_("未成年人信息修改页"),
                                 ip_address=client_ip(request))
    if request.method == "GET" and show_id and person.id_number:
        # The edit form shows the full number: that is a view of it, and is logged like one.
        services.person_reveal_id_number(by=request.user, person=person, ip_address=client_ip(request))
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if not show_id and not fields["id_number"]:
            fields["id_number"] = None  # blank means "leave the number as it is"
        try:
            services.person_update(by=request.user, person=person, **fields)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存“%(name)s”的信息。") % {"name": person.name})
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/form.html", {"form": form, "person": person, "title": _("修改人员信息")})


@require_POST
@permission_required("view_id_number")
def person_reveal_id(request, pk):
    person = get_person_for_user(request.user, pk)
    number = services.person_reveal_id_number(by=request.user, person=person, ip_address=client_ip(request))
    return HttpResponse(f'<span class="id-number" id="id-number">{number or "—"}</span>')


@require_POST
@permission_required("edit_people")
def membership_add(request, pk):
    person = get_person_for_user(request.user, pk, perm="edit_people")
    form = MembershipForm(request.POST)
    if form.is_valid():
        try:
            services.membership_add(by=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
    if form.errors:
        # Refused: the form again with what was typed (a redirect would drop it).
        return render(request, "_form_retry.html", {
            "form": form, "title": _("添加特殊群体身份：%(n)s") % {"n": person.name},
            "back": reverse("people:detail", args=[person.pk])})
    messages.success(request, _("已添加特殊群体身份。"))
    return redirect("people:detail", pk=person.pk)


@require_POST
@permission_required("edit_people")
def membership_end(request, pk):
    membership = get_for_user(GroupMembership.objects.select_related("person__unit"), request.user, pk,
                              "edit_people")
    form = MembershipEndForm(request.POST)
    if form.is_valid():
        try:
            services.membership_end(by=request.user, membership=membership, end_date=form.cleaned_data["end_date"])
            messages.success(request, _("已结束该特殊群体身份。"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _("结束日期：请填写有效日期。"))
    return redirect("people:detail", pk=membership.person_id)


@require_POST
@permission_required("edit_people")
def household_create(request, pk):
    person = get_person_for_user(request.user, pk, perm="edit_people")
    if person.household_id:
        messages.error(request, _("该人员已属于一个家庭户。"))
    else:
        services.household_create(by=request.user, head=person)
        messages.success(request, _("已新建家庭户，本人为户主。"))
    return redirect("people:detail", pk=person.pk)


CANDIDATE_LIMIT = 10


@require_GET
@permission_required("edit_people")
def relative_candidates(request, pk):
    """htmx: people of the same village matching the query, to add as a household member or guardian."""
    person = get_person_for_user(request.user, pk, perm="edit_people")
    purpose = "guardian" if request.GET.get("purpose") == "guardian" else "household"
    q = request.GET.get("q", "").strip()
    candidates = []
    if q:
        candidates = list(person_list(user=request.user, q=q, unit=person.unit).exclude(pk=person.pk)[:CANDIDATE_LIMIT])
    return render(request, "people/_candidates.html", {
        "person": person, "candidates": candidates, "purpose": purpose, "q": q,
        "relations": [c for c in Relation.choices if c[0] != Relation.HEAD],
    })


@require_POST
@permission_required("edit_people")
def household_add_member(request, pk):
    person = get_person_for_user(request.user, pk, perm="edit_people")
    member = get_person_for_user(request.user, request.POST.get("member"), perm="edit_people")
    relation = request.POST.get("relation", "")
    if not person.household_id:
        messages.error(request, _("请先为本人新建家庭户。"))
    elif relation not in Relation.values:
        messages.error(request, _("与户主关系：请选择有效的关系。"))
    else:
        try:
            services.household_add_member(by=request.user, household=person.household, person=member, relation=relation)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已将“%(name)s”加入家庭户。") % {"name": member.name})
    return redirect("people:detail", pk=person.pk)


@require_POST
@permission_required("edit_people")
def guardian_set(request, pk):
    person = get_person_for_user(request.user, pk, perm="edit_people")
    guardian_id = request.POST.get("guardian")
    guardian = get_person_for_user(request.user, guardian_id, perm="edit_people") if guardian_id else None
    try:
        services.person_set_guardian(by=request.user, person=person, guardian=guardian)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已设置监护人“%(name)s”。") % {"name": guardian.name} if guardian
                         else _("已清除监护人。"))
    return redirect("people:detail", pk=person.pk)


@require_http_methods(["GET", "POST"])
@permission_required("edit_people")
def person_duplicates(request, pk):
    """疑似重复: the others in her village with her name and birth date or phone; merge one into her, or say
    they are different people."""
    person = get_person_for_user(request.user, pk, perm="edit_people")
    candidates = list(duplicate_candidates(user=request.user, person=person))
    if request.method == "POST":
        try:
            if request.POST.get("action") == "not_duplicate":
                for other in [person, *candidates]:
                    services.person_not_duplicate(by=request.user, person=other)
                messages.success(request, _("已核实：不是重复登记。"))
            else:
                duplicate = next((c for c in candidates if str(c.pk) == request.POST.get("merge")), None)
                if duplicate is None:
                    raise Http404
                services.person_merge(by=request.user, duplicate=duplicate, into=person)
                messages.success(request, _("已将重复登记并入“%(name)s”，其各项记录均已转到本条。") % {"name": person.name})
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("people:duplicates", pk=person.pk)
        return redirect("people:detail", pk=person.pk)
    return render(request, "people/duplicates.html", {"person": person, "candidates": candidates})


@require_http_methods(["GET", "POST"])
@permission_required("edit_people")
def membership_edit(request, pk):
    """Correct a special-group record's dates, or void it when it was entered by mistake."""
    membership = get_for_user(GroupMembership.objects.select_related("person__unit", "group"), request.user, pk,
                              "edit_people")
    post = request.POST if request.method == "POST" else None
    voiding = bool(post and post.get("action") == "void")
    form = MembershipCorrectForm(None if voiding else post, initial={
        "start_date": membership.start_date, "end_date": membership.end_date, "note": membership.note})
    void_form = VoidForm(post if voiding else None)
    bound = void_form if voiding else form
    if post is not None and bound.is_valid():
        try:
            if voiding:
                services.membership_void(by=request.user, membership=membership, **void_form.cleaned_data)
                messages.success(request, _("已作废该特殊群体记录。"))
            else:
                services.membership_correct(by=request.user, membership=membership, **form.cleaned_data)
                messages.success(request, _("已更正。"))
        except ValidationError as exc:
            errors_to_form(bound, exc)
        else:
            return redirect("people:detail", pk=membership.person_id)
    return render(request, "people/membership_edit.html", {
        "membership": membership, "form": form, "void_form": void_form,
    }, status=400 if form.errors or void_form.errors else 200)


@require_POST
@permission_required("edit_people")
def household_leave(request, pk):
    person = get_person_for_user(request.user, pk, perm="edit_people")
    try:
        services.household_remove_member(by=request.user, person=person)
        messages.success(request, _("已将“%(name)s”移出家庭户。") % {"name": person.name})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("people:detail", pk=person.pk)
