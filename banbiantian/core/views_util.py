from django.contrib import messages
from django.core.exceptions import ValidationError


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def errors_to_form(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, beside the field it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def errors_to_messages(request, form=None, exc: ValidationError | None = None) -> None:
    """Show a form's errors as messages, each after its field's Chinese label ("结束日期：…"), for a
    small form posted from a page that redirects back. A service's refusal (`exc`) is put beside
    the field it names first; without a form its messages are shown as they are."""
    if form is None:
        for message in exc.messages if exc is not None else []:
            messages.error(request, message)
        return
    if exc is not None:
        errors_to_form(form, exc)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)
