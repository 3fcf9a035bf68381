"""The one CSV export of applications. The coordinator's page and the admin's action both call it:
same columns, same rows (drafts are not applications yet), every text cell formula-safe."""
import csv
from collections import defaultdict

from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from . import applicant_data
from .models import Answer, Application, ApplicationQuestion, Cohort
from .selectors import application_scores

Status = Application.Status
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = [
    "cohort", "id", "applicant", "email", "status", "submitted_at", "reviews", "mean_score", "normalised_score", "goals",
    *applicant_data.CSV_COLUMNS,
]


def csv_safe(value) -> str:
    """Spreadsheets run a cell that starts with = + - @ (or tab, CR) as a formula: neutralise it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def application_table(cohorts) -> tuple[list[str], list[list]]:
    """(header, rows) for these cohorts: the fixed columns, then one column per cohort question.

    With several cohorts a question's column is named "cohort: question". Queries: three, plus
    one per cohort for the review scores, and a fixed few for the applicant types' data.
    """
    cohorts = list(cohorts)
    several = len(cohorts) > 1
    questions = list(
        ApplicationQuestion.objects.filter(cohort__in=cohorts).select_related("cohort__program")
        .order_by("cohort_id", "order", "pk")
    )
    scores = {}
    for cohort in cohorts:
        scores.update(application_scores(cohort))
    applications = (
        Application.objects.filter(cohort__in=cohorts).exclude(status=Status.DRAFT)
        .select_related("cohort__program", "applicant__profile")
        .annotate(review_count=Count("reviews")).order_by("cohort_id", "submitted_at", "pk")
    )
    applications = list(applications)
    applicant_data.prefetch_applicant_data(applications)
    answers = defaultdict(dict)
    for application_id, question_id, value in (
        Answer.objects.filter(application__cohort__in=cohorts).exclude(application__status=Status.DRAFT)
        .values_list("application_id", "question_id", "value")
    ):
        answers[application_id][question_id] = value

    header = COLUMNS + [csv_safe(f"{q.cohort}: {q.prompt}" if several else q.prompt) for q in questions]
    rows = []
    for application in applications:
        score = scores.get(application.pk)
        submitted = application.submitted_at
        mine = answers.get(application.pk, {})
        rows.append([
            csv_safe(application.cohort),
            application.pk,
            csv_safe(application.applicant.profile.name),
            csv_safe(application.applicant.email),
            application.status,
            timezone.localtime(submitted).isoformat() if submitted else "",
            application.review_count,
            "" if score is None else score["mean"],  # numbers we computed: never user text
            "" if score is None else score["normalised"],
            csv_safe(application.goals),
            *[csv_safe(value) for value in applicant_data.csv_values(application)],
            *[csv_safe(mine.get(q.pk, "")) if q.cohort_id == application.cohort_id else "" for q in questions],
        ])
    return header, rows


def export_filename(cohorts) -> str:
    cohorts = list(cohorts)
    if len(cohorts) == 1:
        cohort = cohorts[0]
        return f"{slugify(cohort.program.slug)}-{slugify(cohort.name) or cohort.pk}-applications.csv"
    return "applications.csv"


def applications_csv_response(cohorts: list[Cohort]) -> HttpResponse:
    """A CSV download of the cohorts' applications."""
    header, rows = application_table(cohorts)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(cohorts)}"'
    response.write("\ufeff")  # a byte order mark, so that spreadsheets read the UTF-8 names right
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response
