"""/api/: the versioned REST API (v1), its OpenAPI schema and documentation, and the tokens page."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from .views import applications, catalog, coordination, mentorships, pages, stipends

app_name = "api"

v1 = [
    path("programs/", catalog.ProgramList.as_view(), name="program_list"),
    path("programs/<slug:slug>/", catalog.ProgramDetail.as_view(), name="program_detail"),
    path("cohorts/", catalog.CohortList.as_view(), name="cohort_list"),
    path("cohorts/<int:pk>/", catalog.CohortDetail.as_view(), name="cohort_detail"),
    path("mentors/", catalog.MentorList.as_view(), name="mentor_list"),
    path("me/applications/", applications.MyApplicationList.as_view(), name="my_application_list"),
    path("applications/", applications.ApplicationList.as_view(), name="application_list"),
    path("applications/<int:pk>/", applications.ApplicationDetail.as_view(), name="application_detail"),
    path("applications/<int:pk>/submit/", applications.ApplicationSubmit.as_view(), name="application_submit"),
    path("applications/<int:pk>/withdraw/", applications.ApplicationWithdraw.as_view(), name="application_withdraw"),
    path("applications/<int:pk>/decision/", applications.ApplicationDecision.as_view(), name="application_decision"),
    path("enrollments/", coordination.EnrollmentList.as_view(), name="enrollment_list"),
    path("enrollments/<int:pk>/decision/", coordination.EnrollmentDecision.as_view(), name="enrollment_decision"),
    path("match-runs/", coordination.MatchRunList.as_view(), name="run_list"),
    path("match-runs/<int:pk>/", coordination.MatchRunDetail.as_view(), name="run_detail"),
    path("match-runs/<int:pk>/proposals/", coordination.RunProposalList.as_view(), name="run_proposals"),
    path("proposals/<int:pk>/confirm/", coordination.ProposalConfirm.as_view(), name="proposal_confirm"),
    path("mentorships/", mentorships.MentorshipList.as_view(), name="mentorship_list"),
    path("mentorships/<int:pk>/", mentorships.MentorshipDetail.as_view(), name="mentorship_detail"),
    path("evaluations-due/", mentorships.EvaluationsDueList.as_view(), name="evaluations_due"),
    path("instalments/", stipends.InstalmentList.as_view(), name="instalment_list"),
    path("instalments/<int:pk>/", stipends.InstalmentDetail.as_view(), name="instalment_detail"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", pages.docs, name="docs"),
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
]
