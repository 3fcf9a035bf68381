from django.urls import path

from . import views

app_name = "stipends"

C = "cohorts/<int:cohort_pk>/"

urlpatterns = [
    path(C + "stipend/", views.plan_edit, name="plan_edit"),
    path(C + "stipend/countries/", views.country_table, name="country_table"),
    path(C + "payments/", views.payments, name="payments"),
    path(C + "payments/decide/", views.decide, name="decide"),
    path(C + "payments/history/", views.history, name="history"),
    path(C + "payments/exports/", views.exports, name="exports"),
    path("payments/exports/<int:batch_pk>.<str:fmt>", views.export_download, name="export_download"),
    path(C + "sponsors/", views.sponsors, name="sponsors"),
    path(C + "sponsors/<int:sponsor_pk>/", views.sponsors, name="sponsor_edit"),
    path(C + "sponsors/report.csv", views.sponsor_report, name="sponsor_report"),
    path("mentorships/<int:pk>/stipend/", views.mentorship_stipend, name="mentorship_stipend"),
    path("mentorships/<int:pk>/stipend/recommendation/<str:stage>/", views.recommendation_update,
         name="recommendation_update"),
]
