"""A ledger is imported into an open unit only: a merged village is neither offered nor accepted."""

from banbiantian.core.tests.test_unit_picker import assert_new_records_refuse, make_closed
from banbiantian.transfer.forms import UploadForm


def test_upload_refuses_a_closed_unit(tree, personas):
    assert_new_records_refuse(UploadForm, make_closed(tree), user=personas.county)


def test_the_command_and_the_service_refuse_a_closed_unit_too(tree, personas, tmp_path):
    import io

    import pytest
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import CommandError, call_command

    from banbiantian.people.models import Person
    from banbiantian.transfer import services

    from .helpers import ledger_xlsx

    closed = make_closed(tree)
    ledger = tmp_path / "桥西村台账.xlsx"
    ledger.write_bytes(ledger_xlsx())
    with pytest.raises(CommandError, match="“桥西村”已撤销或尚未启用，不能再导入新的记录"):
        call_command("import_data", "people", str(ledger), "--unit", closed.code, "--user", "chair",
                     stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(ValidationError, match="桥西村"):
        services.import_job_create(by=personas.chair, registry_name="people", unit=closed,
                                   upload=SimpleUploadedFile("台账.xlsx", ledger_xlsx()))
    assert not Person.objects.exists()
