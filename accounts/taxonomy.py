"""Skill and language names in the reader's language: the one helper every page, form and reason uses.

Skill and Language rows carry ``name`` (English) plus ``name_es`` and ``name_pt_br``, editable in the admin.
``local_name`` picks the reader's language and falls back to English when a translation is missing.
The dictionaries below are the translations the data migration loads, and what a new row gets when an
admin or ``seed_demo`` creates one of these names without translations.
"""
import time
import unicodedata

from django.utils.translation import get_language

# Django language code -> model field. English is ``name``.
NAME_FIELDS = {"es": "name_es", "pt-br": "name_pt_br", "pt": "name_pt_br"}

# English name -> (Spanish, Portuguese (Brazil)).
SKILL_NAMES = {
    "Python": ("Python", "Python"), "R": ("R", "R"), "Julia": ("Julia", "Julia"),
    "JavaScript": ("JavaScript", "JavaScript"), "Rust": ("Rust", "Rust"), "C++": ("C++", "C++"),
    "Go": ("Go", "Go"), "TypeScript": ("TypeScript", "TypeScript"),
    "Pandas": ("Pandas", "Pandas"), "NumPy": ("NumPy", "NumPy"),
    "Machine learning": ("Aprendizaje automático", "Aprendizado de máquina"),
    "Bayesian statistics": ("Estadística bayesiana", "Estatística bayesiana"),
    "Data visualization": ("Visualización de datos", "Visualização de dados"),
    "Deep learning": ("Aprendizaje profundo", "Aprendizado profundo"),
    "Time series": ("Series temporales", "Séries temporais"),
    "SQL": ("SQL", "SQL"),
    "Git and GitHub": ("Git y GitHub", "Git e GitHub"),
    "Code review": ("Revisión de código", "Revisão de código"),
    "Packaging": ("Empaquetado de software", "Empacotamento de software"),
    "Documentation": ("Documentación", "Documentação"),
    "Testing": ("Pruebas de software", "Testes de software"),
    "Continuous integration": ("Integración continua", "Integração contínua"),
    "Community management": ("Gestión de comunidades", "Gestão de comunidades"),
    "Licensing": ("Licencias", "Licenciamento"),
    "Reproducible research": ("Investigación reproducible", "Pesquisa reprodutível"),
    "Scientific writing": ("Redacción científica", "Escrita científica"),
    "Open data": ("Datos abiertos", "Dados abertos"),
    "Bioinformatics": ("Bioinformática", "Bioinformática"),
    "Climate science": ("Ciencias del clima", "Ciência do clima"),
    "Computational physics": ("Física computacional", "Física computacional"),
    "Public speaking": ("Hablar en público", "Falar em público"),
    "Technical writing": ("Redacción técnica", "Escrita técnica"),
    "Grant writing": ("Redacción de solicitudes de financiación", "Redação de propostas de financiamento"),
    "Project management": ("Gestión de proyectos", "Gestão de projetos"),
    "Leadership": ("Liderazgo", "Liderança"),
    "Django": ("Django", "Django"), "React": ("React", "React"),
    "Accessibility": ("Accesibilidad", "Acessibilidade"),
    "DevOps": ("DevOps", "DevOps"), "Docker": ("Docker", "Docker"),
}

# ISO 639-1 code -> (Spanish, Portuguese (Brazil)). Both languages write language names in lower case.
LANGUAGE_NAMES = {
    "ar": ("árabe", "árabe"), "bn": ("bengalí", "bengali"), "ca": ("catalán", "catalão"),
    "zh": ("chino", "chinês"), "cs": ("checo", "tcheco"), "da": ("danés", "dinamarquês"),
    "nl": ("neerlandés", "holandês"), "en": ("inglés", "inglês"), "fa": ("persa", "persa"),
    "fi": ("finés", "finlandês"), "fr": ("francés", "francês"), "de": ("alemán", "alemão"),
    "el": ("griego", "grego"), "gn": ("guaraní", "guarani"), "he": ("hebreo", "hebraico"),
    "hi": ("hindi", "híndi"), "hu": ("húngaro", "húngaro"), "id": ("indonesio", "indonésio"),
    "it": ("italiano", "italiano"), "ja": ("japonés", "japonês"), "ko": ("coreano", "coreano"),
    "ms": ("malayo", "malaio"), "no": ("noruego", "norueguês"), "pl": ("polaco", "polonês"),
    "pt": ("portugués", "português"), "qu": ("quechua", "quíchua"), "ay": ("aimara", "aimará"),
    "ro": ("rumano", "romeno"), "ru": ("ruso", "russo"), "es": ("español", "espanhol"),
    "sw": ("suajili", "suaíli"), "sv": ("sueco", "sueco"), "tl": ("tagalo", "tagalo"),
    "ta": ("tamil", "tâmil"), "th": ("tailandés", "tailandês"), "tr": ("turco", "turco"),
    "uk": ("ucraniano", "ucraniano"), "ur": ("urdu", "urdu"), "vi": ("vietnamita", "vietnamita"),
    "yo": ("yoruba", "iorubá"),
}


def name_field(language: str | None = None) -> str | None:
    """The model field holding names in ``language`` (the active one by default); None for English."""
    code = (language or get_language() or "en").lower()
    return NAME_FIELDS.get(code) or NAME_FIELDS.get(code.split("-")[0])


def local_name(obj, language: str | None = None) -> str:
    """A Skill's or Language's name in ``language`` (the reader's by default), English when untranslated."""
    field = name_field(language)
    return (getattr(obj, field, "") if field else "") or obj.name


def sort_key(text: str) -> str:
    """Alphabetical order that ignores accents and case (árabe sorts with a, not after z)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def sorted_by_local_name(objects, language: str | None = None) -> list:
    return sorted(objects, key=lambda obj: sort_key(local_name(obj, language)))


def local_language_names(codes, language: str | None = None) -> list[str]:
    """Names of spoken languages given by code, in the reader's language, sorted (for sentences such as
    "speaks English, Quechua"). Unknown codes are shown as given."""
    from .models import Language

    by_code = {lang.code: lang for lang in Language.objects.filter(code__in=list(codes))}
    names = [local_name(by_code[c], language) if c in by_code else c for c in codes]
    return sorted(names, key=sort_key)


def fill_missing_translations(obj, known: dict, key: str) -> None:
    """Give a new Skill/Language row the known translations for its name, without overwriting an admin's."""
    es, pt_br = known.get(key, ("", ""))
    obj.name_es = obj.name_es or es
    obj.name_pt_br = obj.name_pt_br or pt_br


_BY_ENGLISH: dict = {}
_BY_ENGLISH_TTL = 60.0  # seconds; an admin's new translation shows within a minute


def _translations_by_english(model) -> dict:
    cached = _BY_ENGLISH.get(model)
    if cached is None or time.monotonic() - cached[0] > _BY_ENGLISH_TTL:
        rows = model.objects.values_list("name", "name_es", "name_pt_br")
        cached = (time.monotonic(), {name: {"es": es, "pt_br": pt} for name, es, pt in rows})
        _BY_ENGLISH[model] = cached
    return cached[1]


def forget_cached_names() -> None:
    """Called when a Skill or Language is saved, so this process shows the new name at once."""
    _BY_ENGLISH.clear()


def local_names_from_english(model, names, language: str | None = None) -> list[str]:
    """Names stored in English (such as the facts of a match reason), shown in the reader's language.
    One query a minute per model, whatever the number of rows rendered."""
    field = name_field(language)
    if not field or not names:
        return list(names)
    table = _translations_by_english(model)
    key = "es" if field == "name_es" else "pt_br"
    return [(table.get(n) or {}).get(key) or n for n in names]
