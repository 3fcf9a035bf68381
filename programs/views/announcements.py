"""Announcements: write to a segment, see the count and a preview (a dry run that writes nothing), then send."""
from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import selectors
from ..services import announcements as announcement_services


class AnnouncementForm(forms.Form):
    segment = forms.ChoiceField(label=gettext_lazy("Who receives it"))
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=gettext_lazy("Plain text. Each email starts with “Hello” and the person’s name."))
    preview_language = forms.ChoiceField(label=gettext_lazy("Preview in"), required=False)

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.language = language
        self.fields["segment"].choices = [(s.key, s.label) for s in announcement_services.segments()]
        self.fields["preview_language"].choices = [("", gettext_lazy("the recipient’s own language"))] + [
            (code, gettext_lazy(name)) for code, name in settings.LANGUAGES]
        self.other_languages = announcement_services.other_languages(language)
        for code, name in self.other_languages:
            self.fields[f"subject_{code}"] = forms.CharField(
                label=_("Subject in %(language)s (optional)") % {"language": _(name)}, max_length=200, required=False)
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Message in %(language)s (optional)") % {"language": _(name)}, max_length=10000, required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=_("Recipients who read %(language)s get this text; the others get the message above.")
                % {"language": _(name)})
        self.order_fields([name for name in self.fields if name != "preview_language"] + ["preview_language"])
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        data = super().clean()
        for code, _name in self.other_languages:
            if bool(data.get(f"subject_{code}", "").strip()) != bool(data.get(f"body_{code}", "").strip()):
                self.add_error(f"body_{code}", _("Give both the subject and the message of a translation, or neither."))
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "segment": data["segment"], "subject": data["subject"], "body": data["body"], "language": self.language,
            "translations": {code: {"subject": data.get(f"subject_{code}", ""), "body": data.get(f"body_{code}", "")}
                             for code, _name in self.other_languages},
        }


@login_required
def announcement_list(request, cohort_pk):
    cohort = selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    return render(request, "programs/announcements/list.html", {
        "cohort": cohort, "announcements": announcement_services.announcements_with_counts(cohort),
    })


@login_required
@require_http_methods(["GET", "POST"])
def announcement_new(request, cohort_pk):
    """POST with "preview": the count and the email as its first recipient reads it. POST with "send": send."""
    cohort = selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    form = AnnouncementForm(request.POST or None, language=get_language() or settings.LANGUAGE_CODE)
    dry_run = None
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if "send" in request.POST:
            try:
                announcement = announcement_services.announcement_send(actor=request.user, cohort=cohort, **data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, ngettext(
                    "Your announcement is on its way to %(count)d person.",
                    "Your announcement is on its way to %(count)d people.", announcement.recipient_count,
                ) % {"count": announcement.recipient_count})
                return redirect("programs:announcement_list", cohort_pk=cohort.pk)
        else:
            dry_run = announcement_services.announcement_preview(
                actor=request.user, cohort=cohort, preview_language=form.cleaned_data["preview_language"], **data)
    return render(request, "programs/announcements/new.html", {
        "cohort": cohort, "form": form, "dry_run": dry_run,
        "languages": dict(settings.LANGUAGES),
    }, status=400 if form.errors else 200)
