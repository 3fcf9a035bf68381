"""A mentee applies: the form (draft, submit, edit), their list, the status page, withdraw and the CV."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mentorship.forms import add_service_errors

from .. import application_selectors as app_selectors
from .. import review_panels, selectors, services
from ..application_forms import ApplicationForm, question_field_name
from ..models import Application

Status = Application.Status


def _applicant_application(request, pk) -> Application:
    """The person's own application; 404 for everyone else (coordinators and mentors too)."""
    application, role = selectors.application_get_for_user(user=request.user, pk=pk)
    if role != "applicant":
        raise Http404
    return application


def _save(*, application: Application, actor, form: ApplicationForm) -> Application:
    return services.application_save(
        application=application, actor=actor, data=form.service_data(),
        answers=form.service_answers(), preferences=form.service_preferences(),
    )


def _render_form(request, *, application, form, status=200):
    return render(request, "programs/applications/application_form.html", {
        "application": application,
        "cohort": application.cohort,
        "program": application.cohort.program,
        "form": form,
        "accepting": application.cohort.is_accepting(),
    }, status=status)


def _errors_beside_fields(form: ApplicationForm, missing: dict) -> None:
    """Show each missing answer under its own field (and at the top when the field is not on the form)."""
    questions = {q.pk: q for q in form.questions}
    for key, label in missing.items():
        name = question_field_name(questions[key]) if key in questions else key
        if name in form.fields:
            form.add_error(name, _("This is needed to submit."))
        else:
            form.add_error(None, _("Please answer: %(list)s.") % {"list": label})


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, cohort_pk):
    cohort = selectors.cohort_get_visible(user=request.user, pk=cohort_pk)
    application = app_selectors.application_to_edit(user=request.user, cohort=cohort)
    if application is None:
        if not cohort.is_accepting():
            messages.error(request, _("This cohort is not accepting applications."))
            return redirect(cohort)
        # GET never writes: the draft is created by the first Save draft or Submit.
        application = Application(cohort=cohort, applicant=request.user)
    application.cohort = cohort
    if application.pk and not application.is_editable():
        messages.info(request, _("This application can no longer be changed."))
        return redirect(application)

    form_kwargs = {
        "application": application,
        "questions": cohort.questions.all(),
        "mentors": app_selectors.cohort_mentor_choices(cohort),
    }
    if request.method == "GET":
        return _render_form(request, application=application, form=ApplicationForm(**form_kwargs))

    form = ApplicationForm(request.POST, request.FILES, **form_kwargs)
    submitting = request.POST.get("action") == "submit"
    if not form.is_valid() and application.status != Status.DRAFT:
        # A submitted application is only ever replaced by a valid one: nothing is saved.
        messages.error(request, _("Nothing was changed: please correct the highlighted fields. "
                                  "Your submitted application is kept as it was."))
        return _render_form(request, application=application, form=form)
    if application.pk is None:
        try:
            application, _created = services.application_start(applicant=request.user, cohort=cohort)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(cohort)
        form.application = application
    try:
        application = _save(application=application, actor=request.user, form=form)
    except services.IncompleteApplication as exc:
        _errors_beside_fields(form, exc.missing)
        messages.error(request, _("Nothing was changed: a submitted application needs every required answer. "
                                  "Your submitted application is kept as it was."))
        return _render_form(request, application=application, form=form)
    except ValidationError as exc:
        add_service_errors(form, exc)  # beside its field when it has one
        messages.error(request, _("Nothing was saved. Your answers are still in the form below."))
        return _render_form(request, application=application, form=form)
    except IntegrityError:
        # Only reachable if two saves race past the lock above; the other one won.
        messages.warning(request, _("Your application was being saved in another window. Please check it and save again."))
        return _render_form(request, application=application, form=form)

    if form.errors:
        if submitting:
            messages.error(request, _("Not submitted yet: please correct the highlighted fields. "
                                      "Everything else was saved as a draft."))
        else:
            messages.warning(request, _("Your draft was saved, except the highlighted fields: please correct them."))
        return _render_form(request, application=application, form=form)

    if not submitting:
        messages.success(request, _("Your changes were saved.") if application.status == Status.SUBMITTED
                         else _("Your draft was saved."))
        return redirect("programs:application_edit", cohort_pk=cohort.pk)

    already_submitted = application.status == Status.SUBMITTED
    try:
        services.application_submit(application=application, actor=request.user)
    except services.IncompleteApplication as exc:
        _errors_beside_fields(form, exc.missing)
        form.add_error(None, exc.messages[0])
        messages.error(request, _("Your draft was saved but not submitted yet."))
        return _render_form(request, application=application, form=form)
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        messages.error(request, _("Your draft was saved but not submitted yet."))
        return _render_form(request, application=application, form=form)
    if already_submitted:
        messages.success(request, _("Your application was already submitted; your changes were saved."))
    else:
        messages.success(request, _("Your application was submitted. Thank you!"))
    return redirect("programs:application_detail", pk=application.pk)


@login_required
@require_POST
def application_submit(request, pk):
    application = _applicant_application(request, pk)
    try:
        services.application_submit(application=application, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        if application.is_editable():
            return redirect("programs:application_edit", cohort_pk=application.cohort_id)
        return redirect(application)
    messages.success(request, _("Your application was submitted. Thank you!"))
    return redirect(application)


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request, pk):
    application = _applicant_application(request, pk)
    if request.method == "GET":
        if not application.can_become(Status.WITHDRAWN):
            messages.info(request, _("This application cannot be withdrawn."))
            return redirect(application)
        return render(request, "programs/applications/application_withdraw.html", {"application": application})
    try:
        services.application_withdraw(application=application, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your application was withdrawn."))
    return redirect(application)


@login_required
def my_applications(request):
    applications = list(selectors.applications_for_applicant(user=request.user))
    return render(request, "programs/applications/my_applications.html", {"applications": applications})


@login_required
def application_detail(request, pk):
    application, role = selectors.application_get_for_user(user=request.user, pk=pk)
    cohort = application.cohort
    context = {
        "application": application,
        "cohort": cohort,
        "program": cohort.program,
        "role": role,
        "is_applicant": role == "applicant",
        "accepting": cohort.is_accepting(),
        "editable": role == "applicant" and application.is_editable(),
        "can_withdraw": role == "applicant" and application.can_become(Status.WITHDRAWN),
        **app_selectors.application_page_data(application),
        "panels": review_panels.panels_for(page="application", application=application, viewer=request.user),
    }
    return render(request, "programs/applications/application_detail.html", context)


def application_cv(request, pk):
    # No login_required: anonymous people get the same 404 as anyone else who may not see it.
    application, _role = selectors.application_get_for_user(user=request.user, pk=pk)
    if not application.cv:
        raise Http404
    try:
        handle = application.cv.open("rb")
    except FileNotFoundError:
        raise Http404
    response = FileResponse(
        handle, as_attachment=True, filename=f"cv-application-{application.pk}.pdf", content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
