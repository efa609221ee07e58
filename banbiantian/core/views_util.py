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
