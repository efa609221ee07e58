"""Reports past their deadline and not sent are overdue everywhere; the forms home lists what is owed."""

from banbiantian.statforms import selectors


def test_past_deadlines_not_sent_are_overdue_everywhere(form, tree, personas, login):
    import django.utils.timezone as tz
    from django.urls import reverse

    from banbiantian.statforms.dashboard import statforms_panel

    today = tz.localdate()
    old = selectors.due_periods("year", today)[-1]  # three years back: long past its deadline
    home = login(personas.chair).get(reverse("statforms:home")).content.decode()
    row = home[home.index(f"<td data-label=\"报告期\">{old.label}</td>"):]
    assert "逾期" in row[:row.index("</tr>")]
    cards = {card["label"]: card["value"] for card in statforms_panel(personas.chair)["cards"]}
    assert cards["其中已逾期"] >= 2  # the two yearly forms of that year at least
    board = selectors.status_board(user=personas.county, today=today)
    assert ("妇统年1表", "东塘镇", old.key) in {(s.form.code, s.unit.name, s.period.key) for s in board["overdue"]}


def test_forms_home_lists_what_is_owed_and_links_back_to_planning(form, personas, login):
    from django.urls import reverse

    text = login(personas.chair).get(reverse("statforms:home")).content.decode()
    assert f'href="{reverse("planning:home")}">计划统计</a>' in text
    assert "本单位待上报 12 份" in text  # 4 forms × their 3 ended periods of the window
