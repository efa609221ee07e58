"""case_import_historic keeps what an old register says: refused, in hand or closed as the book says it,
a repeat linked to its earlier case, the DV risk level, the return visit's date and satisfaction — and
the 信访登记簿 export shows them back, with the address kept on the case."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from banbiantian.rights import services
from banbiantian.rights.models import Status
from banbiantian.rights.stats import case_stats

D = datetime.date


@pytest.fixture
def historic(personas, tree, woman, category):
    def _make(**extra):
        fields = dict(by=personas.chair, unit=tree.township, petitioner=woman, channel="visit", category=category,
                      request="丈夫不给生活费", received_on=D(2025, 3, 1))
        fields.update(extra)
        return services.case_import_historic(**fields)

    return _make


def test_a_refused_row_is_refused_never_in_hand_nor_overdue(historic, personas, tree):
    case = historic(handling="不予受理，不属于妇联受理范围", state=Status.REJECTED)
    assert case.status == Status.REJECTED and case.reject_reason == "不予受理，不属于妇联受理范围"
    assert case.accepted_on is None and case.close_due is None and case.due_on is None and not case.is_overdue()
    stats = case_stats(user=personas.chair, unit=tree.township, date_from=D(2025, 1, 1), date_to=D(2025, 12, 31))
    assert stats["rejected"] == 1 and stats["accepted"] == 0
    with pytest.raises(ValidationError):
        historic(request="另一件", state=Status.REJECTED)  # a refusal needs its reason


def test_book_state_follows_the_words_of_the_handling_column():
    from banbiantian.rights.transfer import book_state

    assert book_state("不予受理（已告知向劳动仲裁申请）") == Status.REJECTED
    assert book_state("交村跟进") == Status.ACCEPTED and book_state("未办结，继续跟进") == Status.ACCEPTED
    assert book_state("已办结，调解达成协议") == Status.CLOSED and book_state("调解达成协议") == ""
    assert book_state("已办结，交村跟进回访") == Status.CLOSED and book_state("正在办理，未办结") == Status.ACCEPTED


def test_in_hand_note_repeat_risk_and_dated_visit_are_kept(historic, dv_category, woman, personas, login):
    first = historic(handling="已办结，调解", closed_on=D(2025, 4, 1), state=Status.CLOSED,
                     return_visit="2025年4月20日电话回访，满意", return_visit_on=D(2025, 4, 20), satisfied=True,
                     current_address="东塘村9组（娘家）")
    again = historic(received_on=D(2025, 6, 1), request="仍不给生活费", handling="交村跟进", state=Status.ACCEPTED,
                     same_matter_as=first)
    dv = historic(category=dv_category, request="被打", handling="已办结", received_on=D(2025, 3, 10), closed_on=D(2025, 5, 1),
                  state=Status.CLOSED, risk_level="high")
    assert first.status == Status.VISITED and first.return_visit_on == D(2025, 4, 20) and first.satisfied is True
    assert again.is_repeat and again.repeat_of == first and again.progress_note == "交村跟进"
    assert dv.risk_level == "high" and dv.confidential
    with pytest.raises(ValidationError):
        historic(request="x", risk_level="high")  # a risk level only on a DV case
    with pytest.raises(ValidationError):
        historic(request="y", received_on=D(2025, 1, 1), same_matter_as=again)  # a repeat comes after its case
    response = login(personas.chair).get(reverse("rights:register_book_xlsx"),
                                         {"date_from": "2025-01-01", "date_to": "2025-12-31"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header, body = rows[1], rows[2:]
    by_date = {r[0].date(): dict(zip(header, r, strict=True)) for r in body}
    assert by_date[D(2025, 3, 1)]["回访情况"] == "2025年4月20日电话回访，满意"
    assert by_date[D(2025, 3, 1)]["住址"] == "东塘村9组（娘家）"  # the case's address, not the person's
    assert by_date[D(2025, 3, 1)]["满意度"] == "满意"
    assert by_date[D(2025, 6, 1)]["处理情况"] == "交村跟进"
    assert by_date[D(2025, 6, 1)]["住址"] == woman.address  # none on the case: the person's
    assert by_date[D(2025, 3, 1)]["处理情况"] == "已办结，调解"
    assert by_date[D(2025, 3, 10)]["风险等级"] == "高" and by_date[D(2025, 3, 10)]["来访人"] == "（保密）"


def test_live_return_visit_is_shown_with_its_date(new_case, personas, login, township_staff):
    case = new_case(township_staff)
    case = services.case_accept(by=personas.chair, case=case, on=case.received_on)
    case = services.case_propose_close(by=township_staff, case=case, outcome="调解成功", satisfied=True)
    case = services.case_approve_close(by=personas.chair, case=case, closed_on=case.received_on)
    services.case_return_visit(by=personas.chair, case=case, visited_on=case.received_on, result="满意")
    response = login(personas.chair).get(reverse("rights:register_book_xlsx"))
    row = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[2]
    assert row[-1] == f"{case.received_on:%Y-%m-%d} 满意" and row[7] == "已回访：调解成功"
