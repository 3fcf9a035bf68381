"""A person's private calendar feed: its page (see, replace, revoke) and the feed itself."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import selectors, services
from ..calendar import feed_ics
from ..models import CalendarFeed


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            services.calendar_feed_get_or_create(user=request.user)
            messages.success(request, _("Your calendar address is ready."))
        elif action == "regenerate":
            services.calendar_feed_regenerate(user=request.user)
            messages.success(request, _("You have a new calendar address. The old one no longer works."))
        elif action == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, _("Your calendar address is turned off."))
        return redirect("mentoring:calendar_settings")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url = request.build_absolute_uri(reverse("mentoring:calendar_feed", args=[feed.token])) if feed else None
    return render(request, "mentoring/calendar_settings.html", {"feed": feed, "feed_url": feed_url})


@require_GET
def calendar_feed(request, token):
    """No login (calendar programs cannot log in): the secret token is the key. Wrong or revoked: 404."""
    owner = selectors.calendar_feed_owner(token=token)
    if owner is None:
        raise Http404
    meetings = selectors.calendar_meetings_for(user=owner)
    response = HttpResponse(feed_ics(meetings, for_user=owner), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mentoring.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
