"""Program statistics across cohorts, with bar charts drawn on the server as SVG."""
from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from programs.models import Application

from ..models import Direction, EvaluationAnswer, Mentorship
from ..models.mentorship import really_completed_q

CHART_WIDTH = 640
LABEL_WIDTH = 200
BAR_AREA = 360
BAR_HEIGHT = 22
BAR_GAP = 10


@dataclass
class CohortStats:
    cohort: object
    applications: int = 0
    accepted: int = 0
    mentorships: int = 0
    completed: int = 0
    ended_early: int = 0
    rating_about_mentee: float | None = None
    rating_about_mentor: float | None = None

    @property
    def acceptance_rate(self) -> int | None:
        return round(100 * self.accepted / self.applications) if self.applications else None

    @property
    def completion_rate(self) -> int | None:
        finished = self.completed + self.ended_early
        return round(100 * self.completed / finished) if finished else None


@dataclass
class Bar:
    label: str
    display: str
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass
class Chart:
    slug: str
    title: str
    bars: list
    height: int
    label_x: int = LABEL_WIDTH - 8
    bar_x: int = LABEL_WIDTH
    width: int = CHART_WIDTH


def bar_chart(slug: str, title: str, items: list[tuple[str, float | None, str]], max_value: float) -> Chart:
    """Horizontal bars, one per cohort; geometry computed here so the template only places rectangles."""
    bars = []
    for i, (label, value, display) in enumerate(items):
        y = BAR_GAP + i * (BAR_HEIGHT + BAR_GAP)
        width = round(BAR_AREA * (value or 0) / max_value) if max_value else 0
        short = label if len(label) <= 26 else label[:25] + "…"
        bars.append(Bar(short, display if value is not None else "—", y, width, y + BAR_HEIGHT // 2 + 5, LABEL_WIDTH + width + 6))
    return Chart(slug, title, bars, BAR_GAP + len(items) * (BAR_HEIGHT + BAR_GAP))


def _fmt_rating(value):
    return f"{value:.1f}" if value is not None else "—"


def program_statistics(*, program) -> dict:
    """Per cohort: applications, acceptance rate, completion rate, average evaluation ratings. Four queries."""
    cohorts = list(program.cohorts.order_by("starts_on", "pk"))
    stats = {c.pk: CohortStats(cohort=c) for c in cohorts}
    applications = (
        Application.objects.filter(cohort__program=program).exclude(status=Application.Status.DRAFT)
        .values("cohort_id").order_by()
        .annotate(total=Count("pk"), accepted=Count("pk", filter=Q(status=Application.Status.ACCEPTED)))
    )
    for row in applications:
        stats[row["cohort_id"]].applications, stats[row["cohort_id"]].accepted = row["total"], row["accepted"]
    mentorships = (
        Mentorship.objects.filter(cohort__program=program).values("cohort_id").order_by()
        .annotate(
            total=Count("pk"),
            # Only mentorships that really completed (the state machine's way), not a status set too early.
            completed=Count("pk", filter=really_completed_q()),
            ended_early=Count("pk", filter=Q(status=Mentorship.Status.ENDED_EARLY)),
        )
    )
    for row in mentorships:
        s = stats[row["cohort_id"]]
        s.mentorships, s.completed, s.ended_early = row["total"], row["completed"], row["ended_early"]
    ratings = (
        EvaluationAnswer.objects.filter(evaluation__mentorship__cohort__program=program, rating__isnull=False)
        .values("evaluation__mentorship__cohort_id", "evaluation__direction").order_by()
        .annotate(average=Avg("rating"))
    )
    for row in ratings:
        s = stats[row["evaluation__mentorship__cohort_id"]]
        if row["evaluation__direction"] == Direction.ABOUT_MENTEE:
            s.rating_about_mentee = float(row["average"])
        else:
            s.rating_about_mentor = float(row["average"])
    rows = [stats[c.pk] for c in cohorts]
    most_applications = max((r.applications for r in rows), default=0) or 1

    def pct(value):
        return f"{value}%" if value is not None else "—"

    charts = [
        bar_chart("applications", _("Applications"), [(r.cohort.name, r.applications, str(r.applications)) for r in rows],
                  most_applications),
        bar_chart("acceptance", _("Acceptance rate"),
                  [(r.cohort.name, r.acceptance_rate, pct(r.acceptance_rate)) for r in rows], 100),
        bar_chart("completion", _("Completion rate"),
                  [(r.cohort.name, r.completion_rate, pct(r.completion_rate)) for r in rows], 100),
        bar_chart("rating-mentee", _("Average rating of mentees (by their mentors)"),
                  [(r.cohort.name, r.rating_about_mentee, _fmt_rating(r.rating_about_mentee)) for r in rows], 5),
        bar_chart("rating-mentor", _("Average rating of mentors (by their mentees)"),
                  [(r.cohort.name, r.rating_about_mentor, _fmt_rating(r.rating_about_mentor)) for r in rows], 5),
    ]
    return {"rows": rows, "charts": charts}
