from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("organizations/mine/", views.mine, name="mine"),
    path("organizations/new/", views.organization_edit, name="organization_new"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("organizations/<int:pk>/people/", views.people, {"kind": "organizations"}, name="organization_people"),
    path("projects/new/", views.project_edit, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/people/", views.people, {"kind": "projects"}, name="project_people"),
    path("groups/<int:pk>/", views.people, {"kind": "groups"}, name="group_detail"),
    path("organizations/invitations/<str:token>/", views.invitation, name="invitation"),
]
