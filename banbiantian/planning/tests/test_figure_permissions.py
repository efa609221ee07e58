"""Who may open a figure's records: a rate is opened with its numerator's permission."""

from banbiantian.core import metrics


def test_can_open_names_a_rates_numerator_permission(personas):
    assert metrics.permissions("rights.handled_rate") == metrics.permissions("rights.cases_accepted_closed")
    assert not metrics.can_open("rights.handled_rate", personas.viewer)
    assert metrics.can_open("rights.handled_rate", personas.county)
    assert not metrics.can_open("people.women", None)
