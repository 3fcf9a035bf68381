from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def mentorship_list(request):
    return render(request, "mentoring/mentorship_list.html", {"mentorships": selectors.mentorships_for_user(user=request.user)})


@login_required
def mentorship_detail(request, pk):
    mentorship, role = selectors.mentorship_get_for_user(user=request.user, pk=pk)
    return render(request, "mentoring/mentorship_detail.html", {"mentorship": mentorship, "role": role})
