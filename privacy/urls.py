from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("profile/data/export/", views.export_request, name="export_request"),
    path("profile/data/export/<str:token>/", views.export_download, name="export_download"),
    path("profile/delete/", views.account_delete, name="account_delete"),
    path("cohorts/<int:cohort_pk>/manage/history/", views.cohort_history, name="cohort_history"),
]
