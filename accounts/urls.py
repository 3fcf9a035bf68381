from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("profile/", views.my_profile, name="my_profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("people/<int:pk>/", views.profile_detail, name="profile_detail"),
    path("mentors/", views.mentor_directory, name="mentor_directory"),
]
