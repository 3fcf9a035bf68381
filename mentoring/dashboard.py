"""The mentoring part of each person's dashboard: next meeting, goals, and what is due."""
from accounts import dashboard

from .selectors import dashboard_for


@dashboard.register
def mentoring_section(request):
    data = dashboard_for(user=request.user)
    if data is None:
        return None
    return {"template": "mentoring/dashboard_section.html", **data}
