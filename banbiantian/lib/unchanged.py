"""UNCHANGED: the default of an update service's keyword argument that the caller leaves out.

An update takes each field it may change as its own keyword argument; one not passed keeps the
record's value (None or "" would be values to store), so a partial update (the API's PATCH, a test
changing one field) and a whole form's `**form.cleaned_data` go through the same signature:

    def person_update(*, by: User, person: Person, phone: str | Unchanged = UNCHANGED, ...) -> Person:
        changes = given(phone=phone, ...)
"""

import enum
from typing import Final


class Unchanged(enum.Enum):
    UNCHANGED = "UNCHANGED"

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = Unchanged.UNCHANGED


def given(**values: object) -> dict:
    """The arguments the caller passed: every value but UNCHANGED, in the order given."""
    return {name: value for name, value in values.items() if value is not UNCHANGED}
