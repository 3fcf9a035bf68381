from django.urls import path

from . import views

app_name = "mentoring"

urlpatterns = [
    path("mentorships/", views.mentorship_list, name="mentorship_list"),
    path("mentorships/<int:pk>/", views.mentorship_detail, name="mentorship_detail"),
]
