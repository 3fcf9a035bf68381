from django.urls import path

from . import views

app_name = "mentor_requests"

urlpatterns = [
    path("mentors/<int:profile_pk>/ask/", views.request_new, name="new"),
    path("requests/", views.request_list, name="list"),
    path("requests/<int:pk>/", views.request_detail, name="detail"),
    path("requests/<int:pk>/accept/", views.request_answer, {"decision": "accept"}, name="accept"),
    path("requests/<int:pk>/decline/", views.request_answer, {"decision": "decline"}, name="decline"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="withdraw"),
    path("cohorts/<int:cohort_pk>/requests/", views.cohort_requests, name="cohort_requests"),
]
