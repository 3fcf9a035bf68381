"""What the navigation offers a signed-in person, read from the rules' own homes."""
from django import template
from django.utils.translation import gettext as _

from programs.permissions import is_site_admin

register = template.Library()


@register.simple_tag
def roles_of(user) -> str:
    """The roles a person has, in words: coordinator, mentor, mentee (only those that are true)."""
    profile = getattr(user, "profile", None)
    roles = []
    if is_site_admin(user):
        roles.append(_("Site admin"))
    elif user.coordinated_programs.exists():
        roles.append(_("Coordinator"))
    if profile is not None and profile.is_mentor:
        roles.append(_("Mentor"))
    if profile is not None and profile.is_mentee:
        roles.append(_("Mentee"))
    return ", ".join(str(r) for r in roles) or _("No role yet")
