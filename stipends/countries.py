"""ISO 3166-1 alpha-2 country codes, from the CLDR data Babel ships (no list of our own to keep up to date)."""
import babel
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# CLDR also names regions that are not ISO 3166-1 countries: the EU, the UN, "unknown", reserved and
# private-use codes, and the exceptionally reserved ones (Ascension, Canary Islands...).
NOT_ISO_3166 = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
ISO_3166 = frozenset(code for code in babel.Locale("en").territories
                     if len(code) == 2 and code.isalpha() and code not in NOT_ISO_3166)


def is_country_code(value: str) -> bool:
    return value in ISO_3166


def validate_country_code(value: str) -> None:
    """The model validator of every country field of stipends."""
    if not is_country_code(value):
        raise ValidationError(_("Use a two-letter ISO 3166 country code, such as BR or ES."), code="country")
