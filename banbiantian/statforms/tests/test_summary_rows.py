"""A summary shows what each unit sent, and its total is their sum."""

from banbiantian.conftest import make_person
from banbiantian.statforms import selectors, services

from .conftest import IN_PERIOD, PERIOD, fill


def test_summary_rows_are_what_each_unit_sent_and_the_total_is_their_sum(form, reports, tree, personas, login):
    from django.urls import reverse

    make_person(tree.village_a, birth=IN_PERIOD)
    fill(reports.a, personas.village_a, B=10, C=4, D=6)
    fill(reports.b, personas.village_b, B=5, C=1, D=4)
    fill(reports.township, personas.chair, B=12, C=3, D=9)
    for report, user in ((reports.a, personas.village_a), (reports.b, personas.village_b),
                         (reports.township, personas.chair)):
        services.report_submit(report=report, by=user)
    units = [tree.county, *selectors.comparison_units(form, tree.county, PERIOD)]
    sums = selectors.summarise(form, units, PERIOD)
    township = sums[tree.township.pk]
    # The township's row is its own report, not the sum of its villages (15).
    assert (township.source, township.entries["B"].number, township.entries["S"].number) == ("own", 12, 25)
    county = sums[tree.county.pk]
    for code in ("A", "B", "C", "D"):
        rows = [sums[u.pk].entries[code].number or 0 for u in units[1:]]
        assert county.entries[code].number == sum(rows), code
    assert county.entries["B"].number == 12 and county.entries["S"].number == 25
    # A township's own report is its total; its villages' sum stands beside it.
    page = login(personas.chair).get(reverse("statforms:summary"),
                                     {"form": form.pk, "unit": tree.township.pk, "period": PERIOD.key})
    text = page.content.decode()
    assert "合计（本单位上报）" in text and "下级合计" in text and "本单位已上报" in text
