"""Every rights list page exports what it shows: its filters, the user's scope, masked names, logged."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry
from banbiantian.rights import services
from banbiantian.rights.models import Visit

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _rows(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return [list(r) for r in load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
            .iter_rows(values_only=True)]


@pytest.fixture
def cases(personas, other_chair, new_case, tree, dv_category):
    adult = make_person(tree.village_a, "=HYPERLINK(\"x\")")
    minor = make_person(tree.village_a, "李小芳", birth=TODAY.replace(year=TODAY.year - 12))
    secret = make_person(tree.village_a, "赵丽娟")
    first = new_case(personas.chair, adult, received_on=TODAY - datetime.timedelta(days=30))
    services.case_accept(by=personas.chair, case=first, on=first.received_on)
    repeat = new_case(personas.chair, adult, same_matter_as=first, skip_level=True)
    kid = new_case(personas.chair, minor, category=dv_category)
    hidden = new_case(personas.chair, secret, confidential=True, received_on=TODAY - datetime.timedelta(days=20))
    west = new_case(other_chair, make_person(tree.village_c, "钱小红"))
    return type("Cases", (), dict(first=first, repeat=repeat, kid=kid, hidden=hidden, west=west))


def test_case_list_export_has_the_filters_scope_and_masks(cases, personas, county_rights, login):
    rows = _rows(login(personas.chair).get(reverse("rights:home_xlsx")))
    assert rows[0][:3] == ["案件编号", "承办单位", "当事人"]
    numbers = {r[0] for r in rows[1:]}
    assert numbers == {cases.first.number, cases.repeat.number, cases.kid.number, cases.hidden.number}  # not 西岭
    names = {r[2] for r in rows[1:]}
    assert "赵丽娟" not in names and "（保密）" in names
    assert "李小芳" not in names and "李某（未成年人）" in names  # the chair lacks view_minor_details
    assert "'=HYPERLINK(\"x\")" in names  # a formula-like name is text
    # The rights officer may see minors' details; both townships.
    officer = {r[2] for r in _rows(login(county_rights).get(reverse("rights:home_xlsx")))[1:]}
    assert "李小芳" in officer and "钱小红" in officer and "赵丽娟" not in officer
    # Filters as on the page.
    dv_only = _rows(login(personas.chair).get(reverse("rights:home_xlsx"), {"dv": "on"}))
    assert [r[0] for r in dv_only[1:]] == [cases.kid.number]
    entry = AuditEntry.objects.filter(action="export", actor=personas.chair).latest("id")
    assert entry.changes["rows"] == 1 and entry.changes["filters"] == {"dv": "on"}
    assert entry.object_type == "rights.case"


def test_due_export_lists_every_section(cases, personas, login):
    services.case_refer(by=personas.chair, case=cases.first, agency="court", receiving_unit="县法院",
                        referred_on=TODAY)
    Visit.objects.create(case=cases.kid, due_on=TODAY)
    rows = _rows(login(personas.chair).get(reverse("rights:due_xlsx")))
    kinds = {r[0] for r in rows[1:]}
    assert {"已逾期", "待回复的转办", "告诫书查访"} <= kinds
    overdue = [r[1] for r in rows[1:] if r[0] == "已逾期"]
    assert cases.hidden.number in overdue  # received 20 days ago, never answered: past the 15-day reply
    assert all(r[3] != "赵丽娟" for r in rows[1:])
    assert AuditEntry.objects.filter(action="export", actor=personas.chair, object_repr__contains="到期与逾期").exists()


def test_repeats_export_masks_and_counts_same_matter(cases, personas, login):
    rows = _rows(login(personas.chair).get(reverse("rights:repeats_xlsx")))
    repeaters = [r for r in rows[1:] if r[0] == "重复信访人"]
    assert [(r[1], r[5], r[6]) for r in repeaters] == [("'=HYPERLINK(\"x\")", 1, 2)]
    skip = [r for r in rows[1:] if r[0] == "越级信访"]
    assert [r[2] for r in skip] == [cases.repeat.number]


def test_repeats_page_and_export_mask_a_minor_without_view_minor_details(personas, new_case, tree, login):
    minor = make_person(tree.village_a, "李小芳", birth=TODAY.replace(year=TODAY.year - 12))
    first = new_case(personas.chair, minor, received_on=TODAY - datetime.timedelta(days=30))
    services.case_accept(by=personas.chair, case=first, on=first.received_on)
    new_case(personas.chair, minor, same_matter_as=first)
    assert not personas.chair.has_perm_name("view_minor_details")
    client = login(personas.chair)
    page = client.get(reverse("rights:repeats")).content.decode()
    assert "李小芳" not in page and "李某（未成年人）" in page
    rows = _rows(client.get(reverse("rights:repeats_xlsx")))
    assert [r[1] for r in rows[1:] if r[0] == "重复信访人"] == ["李某（未成年人）"]


def test_screening_export_has_reports_and_missing_villages(personas, tree, login):
    month = TODAY.replace(day=1)
    services.screening_report(by=personas.chair, unit=tree.village_a, month=month, none_found=False, found=3,
                              resolved=2, escalated=1)
    rows = _rows(login(personas.chair).get(reverse("rights:screening_xlsx"), {"month": f"{month:%Y-%m}"}))
    assert [r[:4] for r in rows[1:]] == [["东塘村", f"{month:%Y-%m}", "发现纠纷", 3], ["桥头村", f"{month:%Y-%m}", "未填报", None]]


def test_export_buttons_only_for_those_who_may_export(cases, personas, login):
    page = login(personas.chair).get(reverse("rights:home"), {"dv": "on"}).content.decode()
    assert reverse("rights:home_xlsx") + "?dv=on" in page
    assert reverse("rights:home_xlsx") not in login(personas.village_a).get(reverse("rights:home")).content.decode()
    assert login(personas.village_a).get(reverse("rights:home_xlsx")).status_code == 403
