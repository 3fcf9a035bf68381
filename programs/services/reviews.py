"""Mentors review applications against the cohort's rubric."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Application, Review
from ..permissions import is_approved_mentor
from .applications import Status, _transition
from .review_numbers import review_write


def weighted_score(*, criteria, scores: dict) -> float | None:
    """Weighted mean of 1-5 scores over the rubric; None when nothing was scored."""
    total = weight_sum = 0.0
    for criterion in criteria:
        value = scores.get(str(criterion.pk))
        if value is None:
            continue
        weight = float(criterion.weight)
        total += weight * float(value)
        weight_sum += weight
    return round(total / weight_sum, 4) if weight_sum else None


def review_submit(*, application: Application, reviewer, scores: dict, recommendation: str = "",
                  comment: str = "", conflict_of_interest: bool = False, conflict_details: str = "") -> Review:
    """Create or update the reviewer's review. Only approved mentors of the cohort review."""
    if not is_approved_mentor(reviewer, application.cohort_id):
        raise PermissionDenied
    if application.applicant_id == reviewer.pk:
        raise PermissionDenied
    if application.status in (Status.DRAFT, Status.WITHDRAWN):
        raise ValidationError(_("This application is not open for review."))
    criteria = list(application.cohort.criteria.all())
    clean_scores = {}
    for criterion in criteria:
        value = scores.get(str(criterion.pk), scores.get(criterion.pk))
        if value in (None, ""):
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise ValidationError(_("Scores go from 1 to 5.")) from None
        if not 1 <= value <= 5:
            raise ValidationError(_("Scores go from 1 to 5."))
        clean_scores[str(criterion.pk)] = value
    if conflict_of_interest:
        clean_scores, recommendation = {}, ""  # a conflicted reviewer does not score
    with transaction.atomic(), review_write(cohort_id=application.cohort_id, application_id=application.pk,
                                            reviewer_id=reviewer.pk):
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status in (Status.DRAFT, Status.WITHDRAWN):
            raise ValidationError(_("This application is not open for review."))
        review, _created = Review.objects.update_or_create(
            application=application, reviewer=reviewer,
            defaults={
                "scores": clean_scores,
                "weighted_score": weighted_score(criteria=criteria, scores=clean_scores),
                "recommendation": recommendation,
                "comment": comment,
                "conflict_of_interest": conflict_of_interest,
                "conflict_details": conflict_details,
            },
        )
        if locked.status == Status.SUBMITTED and not conflict_of_interest:
            _transition(locked, Status.UNDER_REVIEW, actor=reviewer)
        # review_write refreshes the cohort's stored review numbers here, before the commit.
    return review
