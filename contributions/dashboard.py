"""The contributions part of each person's dashboard: where they can record work, and their linked accounts."""
from django.db.models import Q
from django.utils import timezone

from accounts import dashboard

from .models import ContributionPeriod, LinkedAccount

SHOWN = 5


@dashboard.register
def contributions_section(request):
    """Two queries: the periods still taking records (of published programs), and the person's accounts."""
    now = timezone.now()
    periods = list(
        ContributionPeriod.objects.filter(cohort__program__published=True)
        .filter(Q(closes_at__gte=now) | Q(cohort__applications_close_at__gte=now))
        .select_related("cohort__program").order_by("closes_at", "pk")[:SHOWN]
    )
    accounts = list(LinkedAccount.objects.filter(user=request.user).order_by("platform"))
    return {"template": "contributions/dashboard_section.html", "periods": periods, "accounts": accounts}
