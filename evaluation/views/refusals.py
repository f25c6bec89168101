"""A form's service call and its refusal, shown on the form as the page answers it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from evaluation.exceptions import EvaluationError, OutOfOrder


def attempt(form: forms.Form, action: Callable[[], Any]) -> int | None:
    """Run `action` (a service called with the form's data). None when it succeeded;
    otherwise the refusal is on the form and the status to answer with is returned:
    409 out of order, 400 for anything else (a refused file goes on `files`)."""
    try:
        action()
    except ValidationError as exc:
        form.add_error("files", exc)
        return 400
    except OutOfOrder as exc:
        form.add_error(None, str(exc))
        return 409
    except EvaluationError as exc:
        form.add_error(None, str(exc))
        return 400
    return None
