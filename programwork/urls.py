from django.urls import path

from . import views

app_name = "programwork"

urlpatterns = [
    path("mentorships/<int:pk>/support-plan/", views.support_plan, name="support_plan"),
    path("mentorships/<int:pk>/incubation/", views.incubation, name="incubation"),
    path("cohorts/<int:cohort_pk>/activities/", views.activity_log, name="activity_log"),
    path("cohorts/<int:cohort_pk>/activities/review/", views.activity_review, name="activity_review"),
    path("programs/<slug:slug>/ambassadors/", views.ambassadors_public, name="ambassadors_public"),
    path("programs/<slug:slug>/agreements/", views.terms, name="terms"),
    path("agreements/<int:pk>/", views.term_detail, name="term_detail"),
    path("directory/", views.directory, name="directory"),
]
