"""Searchable selects: plain <select> elements that static/js/widgets.js turns into Tom Select widgets.

Without JavaScript they stay a working <select multiple> / <select>. The widget names the vendored assets
on the element itself (data-assets-*), so static/js/site.js loads them only on pages that need them,
with the right (hashed) static URLs and no inline script.
"""
from collections import defaultdict

from django import forms
from django.forms.models import ModelChoiceIterator
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

from . import taxonomy
from .validators import available_timezones


class EnhancedSelectMixin:
    widget_kind = "select"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update({
            "data-widget": self.widget_kind,
            "data-assets-js": static("vendor/tom-select/tom-select.complete.min.js"),
            "data-assets-css": static("vendor/tom-select/tom-select.bootstrap5.min.css"),
            "data-assets-glue": static("js/widgets.js"),
            "data-remove-title": _("Remove"),  # the chip's remove button, for screen readers
        })
        return context


class SearchableSelectMultiple(EnhancedSelectMixin, forms.SelectMultiple):
    """A multi-select with type-to-search; chosen items show as removable chips."""

    widget_kind = "multiselect"

    def __init__(self, attrs=None, choices=()):
        super().__init__({"size": 8, **(attrs or {})}, choices)


class SearchableSelect(EnhancedSelectMixin, forms.Select):
    """A single select with type-to-search (long lists such as time zones)."""

    widget_kind = "searchselect"


class LocalNameChoiceIterator(ModelChoiceIterator):
    """Choices labelled and sorted by the reader's language (árabe sorts with a)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in taxonomy.sorted_by_local_name(self.queryset):
            yield self.choice(obj)


class TaxonomyMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Skills, interests or languages: searchable, labelled in the reader's language."""

    iterator = LocalNameChoiceIterator
    widget = SearchableSelectMultiple

    def label_from_instance(self, obj):
        return taxonomy.local_name(obj)


class TaxonomyChoiceField(forms.ModelChoiceField):
    iterator = LocalNameChoiceIterator
    widget = SearchableSelect

    def label_from_instance(self, obj):
        return taxonomy.local_name(obj)


def timezone_choices() -> list:
    """IANA zones grouped by region (America, Europe, ...), each sorted; UTC and the rest under "Other"."""
    groups = defaultdict(list)
    for name in available_timezones():
        region, _sep, place = name.partition("/")
        if place and region not in ("Etc", "SystemV", "US", "Brazil", "Canada", "Chile", "Mexico"):
            groups[region].append((name, f"{place.replace('_', ' ')} ({name})"))
        else:
            groups[""].append((name, name))
    choices = [("UTC", "UTC")]
    for region in sorted(r for r in groups if r):
        choices.append((region, sorted(groups[region], key=lambda c: c[1])))
    choices.append((_("Other"), sorted((c for c in groups[""] if c[0] != "UTC"), key=lambda c: c[0])))
    return choices


class TimeZoneField(forms.ChoiceField):
    """A searchable select of IANA time zones; static/js/widgets.js preselects the browser's zone when asked."""

    widget = SearchableSelect
    default_error_messages = {
        "invalid_choice": _("“%(value)s” is not a known time zone. Choose one from the list, such as Europe/Madrid."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", timezone_choices)
        super().__init__(**kwargs)
