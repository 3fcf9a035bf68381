"""Validators for what people type into their profile."""
import re
import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORCID_RE = re.compile(r"^(\d{4})-(\d{4})-(\d{4})-(\d{3}[\dX])$")


@lru_cache(maxsize=1)
def available_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone. Use a name such as Europe/Madrid or America/La_Paz."),
            params={"value": value},
            code="invalid_timezone",
        )


def orcid_checksum(base_digits: str) -> str:
    """ISO 7064 11,2 check character over the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value: str) -> str:
    value = value.strip()
    for prefix in ("https://orcid.org/", "http://orcid.org/", "orcid.org/"):
        if value.lower().startswith(prefix):
            value = value[len(prefix):]
    return value.upper()


def validate_orcid(value: str) -> None:
    value = normalise_orcid(value)
    match = ORCID_RE.match(value)
    if not match:
        raise ValidationError(
            _("An ORCID iD looks like 0000-0002-1825-0097."), code="invalid_orcid_format"
        )
    digits = "".join(match.groups())
    if orcid_checksum(digits[:15]) != digits[15]:
        raise ValidationError(
            _("This ORCID iD has a wrong check digit: please copy it again from your ORCID page."),
            code="invalid_orcid_checksum",
        )
