"""What the navigation offers a signed-in person, read from the rules' own homes."""
from django import template

from programs.permissions import is_site_admin

register = template.Library()


@register.simple_tag
def has_cohorts(user) -> bool:
    """Whether "Your cohorts" (/coordinate/) has something for this person: cohorts they run or mentor in."""
    if not user.is_authenticated:
        return False
    if is_site_admin(user):
        return True
    profile = getattr(user, "profile", None)
    if profile is not None and profile.is_mentor:
        return True
    return user.coordinated_programs.exists()
