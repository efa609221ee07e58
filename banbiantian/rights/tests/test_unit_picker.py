"""A petitioner or a screening is filed under an open village only; a merged one is refused."""

import pytest

from banbiantian.core.tests.test_unit_picker import assert_new_records_refuse, make_closed
from banbiantian.rights import forms


@pytest.mark.parametrize("form_class", [forms.QuickPersonForm, forms.ScreeningForm])
def test_new_records_refuse_a_closed_unit(form_class, tree, personas):
    assert_new_records_refuse(form_class, make_closed(tree), user=personas.county)
