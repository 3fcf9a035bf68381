"""Form helpers every app's views share."""


def add_service_errors(form, exc) -> None:
    """A service's ValidationError shown beside the fields it names (or above the form when it names none)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
