from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("cohorts/<int:cohort_pk>/matching/", views.cohort_matching, name="cohort"),
    path("cohorts/<int:cohort_pk>/matching/run/", views.run_start, name="run_start"),
    path("cohorts/<int:cohort_pk>/matching/unpaired/", views.unpaired, name="unpaired"),
    path("cohorts/<int:cohort_pk>/matching/unpaired/<int:application_pk>/", views.pair_by_hand, name="pair_by_hand"),
    path("matching/runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("matching/runs/<int:pk>/status.json", views.run_status, name="run_status"),
    path("matching/runs/<int:pk>/again/", views.run_again, name="run_again"),
    path("matching/runs/<int:pk>/cancel/", views.run_cancel, name="run_cancel"),
    path("matching/runs/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("matching/proposals/<int:pk>/swap/", views.proposal_swap, name="proposal_swap"),
    path("matching/proposals/<int:pk>/rule/", views.proposal_rule, name="proposal_rule"),
    path("matching/rules/<int:pk>/remove/", views.rule_remove, name="rule_remove"),
]
