"""A figure links to its records only for users who may open them."""



def test_a_figure_links_to_its_records_only_for_those_who_may_open_them(tree, personas):
    from banbiantian.core.metrics import Period
    from banbiantian.statforms.selectors import figure_url

    period = Period("year", 2026)
    assert figure_url("rights.cases_received", tree.township, period, personas.county)
    assert figure_url("rights.cases_received", tree.township, period, personas.viewer) == ""  # would be 403
    assert figure_url("people.women", tree.township, period, personas.viewer)
