from django.urls import path

from . import views
from .views import concerns, setup

app_name = "mentoring"

M = "mentorships/<int:pk>/"

urlpatterns = [
    # Coordinators set up a cohort's mentorships (views.setup)
    path("cohorts/<int:cohort_pk>/setup/mentoring/", setup.mentoring_settings, name="setup_mentoring"),
    path("cohorts/<int:cohort_pk>/setup/evaluations/", setup.evaluations, name="setup_evaluations"),
    path("cohorts/<int:cohort_pk>/setup/evaluations/<int:question_pk>/", setup.evaluation_question_edit,
         name="setup_evaluation_question"),
    # Concerns, raised privately (views.concerns)
    path(M + "concern/", concerns.concern_raise_mentorship, name="concern_raise_mentorship"),
    path("applications/<int:application_pk>/concern/", concerns.concern_raise_application,
         name="concern_raise_application"),
    path("concerns/<int:pk>/", concerns.concern_detail, name="concern_detail"),
    path("cohorts/<int:cohort_pk>/concerns/", concerns.cohort_concerns, name="cohort_concerns"),
    path("mentorships/", views.mentorship_list, name="mentorship_list"),
    path("mentorships/become-mentor/", views.become_mentor, name="become_mentor"),
    path("mentorships/calendar/", views.calendar_settings, name="calendar_settings"),
    path("mentorships/calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path(M, views.mentorship_detail, name="mentorship_detail"),
    # Life cycle
    path(M + "status/<str:action>/", views.mentorship_transition, name="mentorship_transition"),
    path(M + "dates/", views.mentorship_dates, name="mentorship_dates"),
    path(M + "extend/", views.mentorship_extend, name="mentorship_extend"),
    path(M + "end-early/", views.early_end, name="early_end"),
    path(M + "end-early/<int:request_pk>/decide/", views.early_end_decide, name="early_end_decide"),
    # Goals and expectations
    path(M + "agreement/", views.agreement, name="agreement"),
    path(M + "agreement/edit/", views.agreement_edit, name="agreement_edit"),
    path(M + "agreement/accept/", views.agreement_accept, name="agreement_accept"),
    path(M + "goals/new/", views.goal_create, name="goal_create"),
    path(M + "goals/<int:goal_pk>/", views.goal_detail, name="goal_detail"),
    path(M + "goals/<int:goal_pk>/edit/", views.goal_edit, name="goal_edit"),
    # Meetings
    path(M + "meetings/new/", views.meeting_create, name="meeting_create"),
    path(M + "meetings/<int:meeting_pk>/", views.meeting_detail, name="meeting_detail"),
    path(M + "meetings/<int:meeting_pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path(M + "meetings/<int:meeting_pk>/notes/", views.meeting_notes, name="meeting_notes"),
    path(M + "meetings/<int:meeting_pk>/private-note/", views.meeting_private_note, name="meeting_private_note"),
    path(M + "meetings/<int:meeting_pk>/actions/", views.action_item_create, name="action_item_create"),
    path(M + "meetings/<int:meeting_pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path(M + "meetings/<int:meeting_pk>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path(M + "actions/<int:item_pk>/done/", views.action_item_done, name="action_item_done"),
    # Check-ins, evaluations, closure
    path(M + "check-ins/", views.check_in_list, name="check_in_list"),
    path(M + "check-ins/new/", views.check_in_create, name="check_in_create"),
    path(M + "evaluations/", views.evaluation_list, name="evaluation_list"),
    path(M + "evaluations/<str:stage>/", views.evaluation_submit, name="evaluation_submit"),
    path(M + "close/", views.closure, name="closure"),
    path(M + "alumni-consent/", views.alumni_consent, name="alumni_consent"),
    # Coordinators
    path("cohorts/<int:cohort_pk>/mentorships/", views.cohort_overview, name="cohort_overview"),
    path("programs/<slug:slug>/statistics/", views.program_statistics, name="program_statistics"),
]
