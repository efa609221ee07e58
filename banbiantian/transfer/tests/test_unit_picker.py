"""A ledger is imported into an open unit only: a merged village is neither offered nor accepted."""

from banbiantian.core.tests.test_unit_picker import assert_new_records_refuse, make_closed
from banbiantian.transfer.forms import UploadForm


def test_upload_refuses_a_closed_unit(tree, personas):
    assert_new_records_refuse(UploadForm, make_closed(tree), user=personas.county)
