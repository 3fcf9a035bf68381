"""The Spanish and Portuguese catalogues are complete, keep every placeholder and are compiled."""
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

LOCALE = Path(settings.BASE_DIR) / "locale"
TRANSLATED = [to_locale(code) for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# %(name)s, %s, %d, %%, {name}, HTML tags and entities: what must survive translation unchanged.
PLACEHOLDER = re.compile(
    r"%\([^)]+\)[#0\- +]*\d*(?:\.\d+)?[sdifgr]|%[sdifg]|%%|\{[A-Za-z_][A-Za-z0-9_]*\}|\{\}|</?[a-zA-Z][^>]*>|&[a-z]+;"
)


def _catalogue(locale):
    return polib.pofile(str(LOCALE / locale / "LC_MESSAGES" / "django.po"))


def _placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def test_every_language_in_settings_has_a_catalogue():
    assert TRANSLATED == ["es", "pt_BR"]
    for locale in TRANSLATED:
        assert (LOCALE / locale / "LC_MESSAGES" / "django.po").exists()


@pytest.mark.parametrize("locale", TRANSLATED)
def test_catalogue_has_no_untranslated_or_fuzzy_string(locale):
    po = _catalogue(locale)
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    assert len(po.translated_entries()) > 1000


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_translation_keeps_the_placeholders(locale):
    wrong = []
    for entry in _catalogue(locale).translated_entries():
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural[0]), (entry.msgid_plural, entry.msgstr_plural[1])]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        wrong += [(source, text) for source, text in pairs if _placeholders(source) != _placeholders(text)]
    assert wrong == []


def test_the_catalogues_cover_the_same_strings():
    spanish, portuguese = ({(e.msgctxt, e.msgid) for e in _catalogue(locale) if not e.obsolete} for locale in TRANSLATED)
    assert spanish - portuguese == set() and portuguese - spanish == set()


def test_portuguese_plural_rule_is_brazilian():
    assert _catalogue("pt_BR").metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_compiled_catalogue_matches_the_po(locale):
    """The .mo Django reads is committed (CI has no gettext): it must be compiled from the current .po."""
    mo = polib.mofile(str(LOCALE / locale / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo}
    expected = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in _catalogue(locale).translated_entries()
    }
    assert {k: v for k, v in expected.items() if compiled.get(k) != v} == {}
