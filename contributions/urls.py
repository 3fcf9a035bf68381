from django.urls import path

from . import views

app_name = "contributions"

urlpatterns = [
    path("cohorts/<int:cohort_pk>/contributions/", views.my_contributions, name="mine"),
    path("contributions/<int:pk>/delete/", views.contribution_delete, name="delete"),
    path("contributions/<int:pk>/recheck/", views.contribution_recheck, name="recheck"),
    path("contribution-tasks/<int:pk>/take/", views.task_claim, name="claim"),
    path("accounts/code-hosts/", views.linked_accounts, name="accounts"),
    path("cohorts/<int:cohort_pk>/manage/contributions/", views.manage, name="manage"),
]
