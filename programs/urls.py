from django.urls import path

from .views import announcements, applications, catalog, conduct, coordinator, eligibility, invitations, reviews, setup

app_name = "programs"

# Coordinators set up their cohorts (views.setup)
S = "cohorts/<int:cohort_pk>/setup/"
setup_urls = [
    path("coordinate/programs/<slug:slug>/", setup.program_setup, name="program_setup"),
    path("coordinate/programs/<slug:slug>/copy/", setup.cohort_copy, name="cohort_copy"),
    path("coordinate/programs/<slug:slug>/new/", setup.cohort_create, name="cohort_create"),
    path(S, setup.cohort_setup, name="cohort_setup"),
    path(S + "dates/", setup.cohort_dates, name="cohort_dates"),
    path(S + "applications/open/", setup.applications_window, {"action": "open"}, name="applications_open"),
    path(S + "applications/close/", setup.applications_window, {"action": "close"}, name="applications_close"),
    path(S + "questions/", setup.questions, name="setup_questions"),
    path(S + "questions/<int:question_pk>/", setup.question_edit, name="setup_question_edit"),
    path(S + "questions/<int:question_pk>/delete/", setup.question_delete, name="setup_question_delete"),
    path(S + "questions/<int:question_pk>/move/", setup.question_move, name="setup_question_move"),
    path(S + "rubric/", setup.rubric, name="setup_rubric"),
    path(S + "rubric/<int:criterion_pk>/", setup.criterion_edit, name="setup_criterion_edit"),
    # Invitations (views.invitations)
    path("cohorts/<int:cohort_pk>/manage/mentors/invite/", invitations.mentor_invite, name="mentor_invite"),
    path("coordinate/programs/<slug:slug>/coordinators/", invitations.program_coordinators,
         name="program_coordinators"),
    path("invitations/<str:token>/", invitations.invitation, name="invitation"),
    # Announcements (views.announcements)
    path("cohorts/<int:cohort_pk>/manage/announcements/", announcements.announcement_list, name="announcement_list"),
    path("cohorts/<int:cohort_pk>/manage/announcements/new/", announcements.announcement_new,
         name="announcement_new"),
    # Eligibility (views.eligibility)
    path("coordinate/programs/<slug:slug>/eligibility/", eligibility.program_eligibility, name="program_eligibility"),
    path("cohorts/<int:cohort_pk>/manage/screening/", eligibility.cohort_screening, name="cohort_screening"),
    path("cohorts/<int:cohort_pk>/manage/screening/<int:outcome_pk>/override/", eligibility.screening_override,
         name="screening_override"),
    path("cohorts/<int:cohort_pk>/apply/eligibility/", eligibility.screening_answers, name="screening_answers"),
    # Code of conduct (views.conduct)
    path("programs/<slug:slug>/conduct/", conduct.program_conduct, name="program_conduct"),
    path("coordinate/programs/<slug:slug>/conduct/", conduct.conduct_edit, name="conduct_edit"),
]

urlpatterns = [
    # Public catalog
    path("programs/", catalog.catalog, name="catalog"),
    path("programs/<slug:slug>/", catalog.program_detail, name="program_detail"),
    path("programs/<slug:slug>/cohorts/<int:pk>/", catalog.cohort_detail, name="cohort_detail"),
    # Mentees apply
    path("cohorts/<int:cohort_pk>/apply/", applications.application_edit, name="application_edit"),
    path("applications/", applications.my_applications, name="my_applications"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/submit/", applications.application_submit, name="application_submit"),
    path("applications/<int:pk>/withdraw/", applications.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/cv/", applications.application_cv, name="application_cv"),
    # Mentors volunteer and review
    path("cohorts/<int:cohort_pk>/volunteer/", reviews.volunteer, name="volunteer"),
    path("cohorts/<int:cohort_pk>/reviews/", reviews.review_queue, name="review_queue"),
    path("applications/<int:pk>/review/", reviews.review_application, name="review"),
    # Coordinators decide
    path("cohorts/<int:cohort_pk>/manage/", coordinator.cohort_dashboard, name="cohort_dashboard"),
    path("cohorts/<int:cohort_pk>/manage/mentors/", coordinator.mentor_enrollments, name="mentor_enrollments"),
    path("cohorts/<int:cohort_pk>/manage/decide/", coordinator.bulk_decide, name="bulk_decide"),
    path("cohorts/<int:cohort_pk>/manage/export.csv", coordinator.export_csv, name="export_csv"),
    path("coordinate/", coordinator.my_cohorts, name="my_cohorts"),
    *setup_urls,
]
