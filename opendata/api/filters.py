"""The query parameters the lists take, read and checked by hand (a handful, each a
plain equality or a year) and described once for the OpenAPI schema.

A malformed value is a 400 naming the parameter, never an empty list that looks like
"no data".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from municipal_order.lib.dates import BISHKEK

# Years a call can have been announced in: anything else is a typo, not a question.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def param(
    name: str, type_: object, description: str, enum: Iterable[str] | None = None
) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        type_,
        OpenApiParameter.QUERY,
        required=False,
        description=description,
        enum=list(enum) if enum is not None else None,
    )


def region_param(what: str) -> OpenApiParameter:
    return param("region", OpenApiTypes.STR, f"{what} of the region with this code (e.g. KG-C).")


def year_param(what: str) -> OpenApiParameter:
    return param(
        "year",
        OpenApiTypes.INT,
        f"{what} whose call was announced in this year (Bishkek time), e.g. 2026.",
    )


def municipality_param(what: str) -> OpenApiParameter:
    return param("municipality", OpenApiTypes.STR, f"{what} of the municipality with this code.")


def status_param(what: str, values: Iterable[str]) -> OpenApiParameter:
    return param("status", OpenApiTypes.STR, f"{what} with this status.", enum=values)


def text(params: Mapping[str, str], name: str) -> str | None:
    """The parameter's value, None when absent or empty."""
    value = (params.get(name) or "").strip()
    return value or None


def number(params: Mapping[str, str], name: str) -> int | None:
    value = text(params, name)
    if value is None:
        return None
    if not value.isdigit() or len(value) > 12:
        raise ValidationError({name: _("Must be a whole number.")})
    return int(value)


def choice(params: Mapping[str, str], name: str, allowed: Iterable[str]) -> str | None:
    value = text(params, name)
    allowed = list(allowed)
    if value is not None and value not in allowed:
        raise ValidationError(
            {name: _("Must be one of: %(values)s.") % {"values": ", ".join(allowed)}}
        )
    return value


def announced_in(params: Mapping[str, str], field: str) -> Q | None:
    """`?year=` as a range of `field` (a date-time) over the Bishkek calendar year:
    an index range, unlike extracting the year of every row."""
    year = number(params, "year")
    if year is None:
        return None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                "year": _("Must be a year from %(first)d to %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )
    start = datetime.datetime(year, 1, 1, tzinfo=BISHKEK)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=BISHKEK)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})
