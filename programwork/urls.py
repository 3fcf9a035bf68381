from django.urls import path

from . import views

app_name = "programwork"

urlpatterns = [
    path("mentorships/<int:pk>/support-plan/", views.support_plan, name="support_plan"),
]
