"""Field errors collected and raised together, so a form with two bad fields shows both at once (not the
first, then the second after another round trip).

    errors = Errors()
    if not name:
        errors.add("name", _("姓名不能为空。"))
    with errors.collect():            # a check that raises ValidationError on its own
        _check_unit(by, unit)
    errors.raise_if_any()             # before anything is written
"""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class Errors:
    def __init__(self):
        self._errors: dict[str, list] = {}

    def add(self, field: str | None, message) -> None:
        messages = self._errors.setdefault(field or NON_FIELD_ERRORS, [])
        if message not in messages:
            messages.append(message)

    def merge(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add(field, message)
        else:
            for message in exc.messages:
                self.add(None, message)

    @contextmanager
    def collect(self):
        try:
            yield
        except ValidationError as exc:
            self.merge(exc)

    def value(self, check, /, **kwargs):
        """check(**kwargs), or None with its ValidationError collected (a value cleaned among others)."""
        with self.collect():
            return check(**kwargs)
        return None

    def __contains__(self, field: str) -> bool:
        return field in self._errors

    def __bool__(self) -> bool:
        return bool(self._errors)

    def as_dict(self) -> dict[str, list]:
        return dict(self._errors)

    def raise_if_any(self) -> None:
        if self._errors:
            raise ValidationError(dict(self._errors))
