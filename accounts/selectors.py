"""Reads that pages need, scoped to what the person may see."""
from django.db.models import Q
from django.http import Http404

from .models import Profile


def mentor_directory_list(*, q: str = "", skill=None, language=None, tz_min=None, tz_max=None):
    """Mentors who opted in to the directory, with what their cards show, in constant queries."""
    qs = (
        Profile.objects.filter(is_mentor=True, open_to_mentoring=True, user__is_active=True)
        .select_related("user")
        .prefetch_related("skills", "languages")
        .order_by("display_name", "pk")
    )
    if q:
        qs = qs.filter(Q(display_name__icontains=q) | Q(bio__icontains=q))
    if skill is not None:
        qs = qs.filter(skills=skill)
    if language is not None:
        qs = qs.filter(languages=language)
    if tz_min is not None:
        qs = qs.filter(utc_offset_minutes__gte=int(tz_min * 60))
    if tz_max is not None:
        qs = qs.filter(utc_offset_minutes__lte=int(tz_max * 60))
    return qs


def profile_get_for_viewer(*, viewer, pk: int) -> Profile:
    """A profile page: your own, any listed mentor's, or anyone's for staff. Otherwise 404."""
    profile = (
        Profile.objects.select_related("user").prefetch_related("skills", "interests", "languages")
        .filter(pk=pk).first()
    )
    if profile is None or not profile_visible_to(viewer=viewer, profile=profile):
        raise Http404
    return profile


def profile_visible_to(*, viewer, profile: Profile) -> bool:
    """Your own profile, any listed mentor's, or anyone's for staff: the pages that may link to a profile ask this."""
    is_own = viewer.is_authenticated and profile.user_id == viewer.pk
    is_listed = profile.is_mentor and profile.open_to_mentoring and profile.user.is_active
    return bool(is_own or is_listed or (viewer.is_authenticated and viewer.is_staff))
