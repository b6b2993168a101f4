"""Refusals are checked by their code, so the tests pass in any language."""

from django.core.exceptions import ValidationError


def codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        errors = [e for field_errors in error.error_dict.values() for e in field_errors]
    else:
        errors = error.error_list
    return {inner.code for e in errors for inner in e.error_list}
