from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import views

# The admin login goes through allauth's login, so its rate limits cover it too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Mentorship administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("programs.urls")),
    path("", include("contributions.urls")),
    path("", include("mentoring.urls")),
    path("", include("mentor_requests.urls")),
    path("", include("matching.urls")),
    path("", include("stipends.urls")),
    path("", include("organizations.urls")),
    path("api/", include("api.urls")),
    path("", include("privacy.urls")),
    path("", include("programwork.urls")),
]
