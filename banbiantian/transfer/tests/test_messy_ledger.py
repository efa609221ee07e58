"""A township's real-looking 信访登记簿 (two yearly sheets, a merged two-row header, 不予受理 and 交村跟进
rows, repeats, risk levels, dated 回访 sentences) and its care roster, imported through the upload
pages' services, then counted against the hand counts in messy_ledger.py and exported back."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from banbiantian.care.models import Enrolment, EnrolmentStep, Programme
from banbiantian.care.models import Status as CareStatus
from banbiantian.conftest import make_person
from banbiantian.core.metrics import Period, compute
from banbiantian.lib.xlsx import cells
from banbiantian.people.models import Person
from banbiantian.rights.models import Case, Status
from banbiantian.rights.stats import case_stats
from banbiantian.transfer import services
from banbiantian.transfer.models import ImportJob

from . import messy_ledger as ml
from .conftest import upload

D = datetime.date


def _import(user, unit, data, name, registry="rights", *, dry_run=False, mode="skip") -> ImportJob:
    job = services.import_job_create(by=user, registry_name=registry, unit=unit, upload=upload(data, name))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED, dry_run=dry_run, mode=mode)
    return services.execute_job(job_id=job.pk)


@pytest.fixture
def book_job(tree, personas):
    return _import(personas.chair, tree.township, ml.book_xlsx(), "东塘镇信访登记簿.xlsx")


def test_dry_run_reads_both_yearly_sheets_and_the_two_row_header_and_names_the_columns_left_out(tree, personas):
    job = _import(personas.chair, tree.township, ml.book_xlsx(), "东塘镇信访登记簿.xlsx", dry_run=True)
    assert job.status == ImportJob.Status.CHECKED and Case.objects.count() == 0
    # The merged 来访人情况 header is combined with its sub-columns; data starts under row 4 on both sheets.
    assert job.header_rows == 2 and job.header_row == 4
    assert [name for _i, name, _row in job.sheets] == ["2025", "2026"]
    assert {job.headers[i] for i in job.mapping.values()} >= {"姓名", "身份证号", "住址", "电话", "风险等级", "回访"}
    assert job.rows_total == 30 and job.rows_failed == 0 and job.rows_created == 30
    assert job.report["sheets"] == [["2025", 15], ["2026", 15]]
    assert job.report["unmapped"] == ml.UNMAPPED
    issues = job.report["issues"]
    assert any(i[4] == "2026" and "重复信访" in i[3] for i in issues)  # the dry run says which rows are repeats


def test_imported_book_matches_the_hand_counts(book_job, tree, personas):
    assert book_job.status == ImportJob.Status.DONE and book_job.rows_created == 30, book_job.report["issues"]
    counts = ml.BOOK_COUNTS
    for year in (2025, 2026):
        cases = Case.objects.filter(received_on__year=year)
        assert cases.count() == counts["received"][year]
        assert cases.filter(status=Status.REJECTED).count() == counts["rejected"][year]
        assert cases.filter(status=Status.ACCEPTED).count() == counts["in_hand"][year]
        assert cases.filter(status__in=[Status.CLOSED, Status.VISITED]).count() == counts["closed"][year]
        assert cases.filter(status=Status.VISITED).count() == counts["visited"][year]
        assert cases.filter(return_visit_on__isnull=False).count() == counts["visit_dated"][year]
        assert cases.filter(satisfied=True).count() == counts["satisfied"][year]
        assert cases.filter(satisfied=False).count() == counts["not_satisfied"][year]
        assert cases.filter(is_repeat=True).count() == counts["repeat"][year]
        assert cases.filter(is_dv=True).count() == counts["dv"][year]
        stats = case_stats(user=personas.chair, unit=tree.township, date_from=D(year, 1, 1), date_to=D(year, 12, 31))
        assert (stats["received"], stats["rejected"], stats["repeat"], stats["dv"]) == (
            counts["received"][year], counts["rejected"][year], counts["repeat"][year], counts["dv"][year])
    for level, n in counts["risk"].items():
        assert Case.objects.filter(risk_level=level).count() == n
    assert Person.objects.count() == counts["petitioners"]
    # 不予受理 is refused with the book's words as the reason, never in hand and never overdue.
    refused = Case.objects.get(received_on=D(2025, 2, 14))
    assert refused.reject_reason.startswith("不予受理") and refused.due_on is None and not refused.is_overdue()
    assert refused.accepted_on is None and refused.replied_on == D(2025, 2, 14)
    # 交村跟进 stays in hand with what the book said.
    assert Case.objects.get(received_on=D(2025, 8, 9)).progress_note == "交村跟进"
    # A repeat is linked to the petitioner's earlier case of the same matter, as the register form links it.
    third = Case.objects.get(received_on=D(2026, 10, 14))
    assert third.repeat_of.received_on == D(2025, 3, 18) and third.repeat_of.repeat_of.received_on == D(2025, 1, 8)
    assert not Case.objects.get(received_on=D(2026, 3, 3)).is_repeat  # the same woman, another matter
    visited = Case.objects.get(received_on=D(2026, 1, 6))
    assert visited.return_visit_on == D(2026, 3, 5) and visited.satisfied is True


def _register_book(client, date_from, date_to):
    response = client.get(reverse("rights:register_book_xlsx"), {"date_from": date_from, "date_to": date_to})
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return rows[1], rows[2:]


def _day(value):
    return cells.partial_date(value)[0]


def test_exported_register_book_shows_what_the_imported_book_held(book_job, personas, login):
    header, rows = _register_book(login(personas.chair), "2025-01-01", "2026-12-31")
    col = {h: i for i, h in enumerate(header)}
    book = [*ml.BOOK_2025, *ml.BOOK_2026]
    assert len(rows) == len(book)
    risk = {"": None, "低": "低", "中": "中", "高": "高", "危险": "危险"}
    for got, (received, name, request, category, handling, closed, level, visit, _note) in zip(rows, book,
                                                                                               strict=True):
        id_number, address, phone = ml.PEOPLE[name]
        assert _day(got[col["日期"]]) == _day(received)
        assert got[col["反映问题"]] == request and got[col["类别"]] == category
        assert got[col["处理情况"]] == handling, (received, name)
        assert _day(got[col["办结时间"]]) == _day(closed)
        assert got[col["风险等级"]] == risk[level]
        assert (got[col["回访情况"]] or "") == visit
        if category == "家庭暴力":  # a confidential case: no name, no contact details, for everyone
            assert got[col["来访人"]] == "（保密）" and not got[col["住址"]] and not got[col["身份证号"]]
            continue
        assert got[col["来访人"]] == name
        assert (got[col["身份证号"]] or "") == id_number  # the chair may see full numbers
        assert got[col["住址"]] == address  # kept (encrypted) on the case only
        assert (got[col["联系电话"]] or "") == phone.replace(" ", "")


def test_roster_approvals_count_in_the_year_the_ledger_dates_them(tree, personas):
    for year in (2025, 2026):
        Programme.objects.create(unit=tree.township, name=ml.PROGRAMME, kind="other", year=year)
    for name, *_rest in ml.ROSTER:
        make_person(tree.village_a, name, id_number=ml.PEOPLE[name][0])
    job = _import(personas.chair, tree.township, ml.roster_xlsx(), "花名册.xlsx", registry="care", mode="update")
    assert job.status == ImportJob.Status.DONE and job.rows_created == len(ml.ROSTER), job.report["issues"]
    assert job.report["unmapped"] == ml.ROSTER_UNMAPPED
    for year, n in ml.ROSTER_COUNTS["approved"].items():
        got = compute(["care.beneficiaries_approved"], [tree.township], Period("year", year))
        assert got["care.beneficiaries_approved"][tree.township.pk] == n, year
    assert Enrolment.objects.filter(status=CareStatus.REJECTED).count() == ml.ROSTER_COUNTS["rejected"]
    assert Enrolment.objects.filter(status=CareStatus.APPLIED).count() == ml.ROSTER_COUNTS["applied"]
    wang = EnrolmentStep.objects.get(enrolment__person__name="王秀英", to_status=CareStatus.APPROVED)
    assert wang.on == D(2025, 3, 20) and wang.enrolment.reason == "丈夫务工收入低"
