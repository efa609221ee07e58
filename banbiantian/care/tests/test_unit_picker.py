"""Care records are filed under open units only: a merged village is neither offered nor accepted."""

import pytest

from banbiantian.care import forms
from banbiantian.core.tests.test_unit_picker import assert_new_records_refuse, make_closed, offered


@pytest.mark.parametrize("form_class", [forms.ProgrammeForm, forms.RoundFilterForm, forms.FundForm,
                                        forms.CampaignForm, forms.PolicyForm, forms.CensusRoundForm, forms.HomeForm])
def test_new_records_refuse_a_closed_unit(form_class, tree, personas):
    assert_new_records_refuse(form_class, make_closed(tree), user=personas.county)


def test_statistics_still_reach_a_closed_unit(tree, personas):
    closed = make_closed(tree)
    assert "桥西村" in offered(forms.StatsForm(user=personas.county).fields["unit"])
    assert forms.StatsForm(data={"unit": closed.pk}, user=personas.county).is_valid()
