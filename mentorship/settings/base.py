"""Settings shared by every environment. Everything that differs comes from the environment.

The embedded default (no variables set) is SQLite under var/, Celery tasks run eagerly
in-process, the cache is local memory and emails are written to var/mail/.
"""
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "accounts",
    "notifications",
    "organizations",
    "programs",
    "contributions",
    "mentoring",
    "mentor_requests",
    "matching",
    "stipends",
    "rest_framework", "drf_spectacular", "django_filters", "api",
    "simple_history",
    "privacy",
    "programwork",
    "django_prometheus",
    "mentorship.apps.MentorshipConfig",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "mentorship.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "mentorship.bad_bytes.BadBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "mentorship.middleware.ServiceUnavailableMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "mentorship.urls"
WSGI_APPLICATION = "mentorship.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
            ],
        },
    },
]

# Database: DATABASE_URL, or an SQLite file under var/ (the embedded default).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
# Persistent connections that survive a Postgres restart: Django checks the
# connection before reusing it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"

# --- django-allauth 65.x -------------------------------------------------------
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mentorship] "
# Rate limits stay at allauth's defaults (login_failed, signup, reset...). They live
# in the cache, so the cache must be a real shared one in production (Redis).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/300s/key",
}
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS = {}
# Social login appears only when its client id and secret are configured.
if env("GITHUB_CLIENT_ID", default="") and env("GITHUB_CLIENT_SECRET", default=""):
    INSTALLED_APPS.append("allauth.socialaccount.providers.github")
    SOCIALACCOUNT_PROVIDERS["github"] = {
        "APPS": [{"client_id": env("GITHUB_CLIENT_ID"), "secret": env("GITHUB_CLIENT_SECRET")}],
        "SCOPE": ["user:email"],
    }
if env("ORCID_CLIENT_ID", default="") and env("ORCID_CLIENT_SECRET", default=""):
    INSTALLED_APPS.append("allauth.socialaccount.providers.orcid")
    SOCIALACCOUNT_PROVIDERS["orcid"] = {
        "APPS": [{"client_id": env("ORCID_CLIENT_ID"), "secret": env("ORCID_CLIENT_SECRET")}],
        "BASE_DOMAIN": env("ORCID_BASE_DOMAIN", default="orcid.org"),
    }

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("pt-br", _("Portuguese (Brazil)"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media-not-served/"  # uploads are served only through permission-checked views

# --- Cache and Celery: Redis when REDIS_URL is set, in-process otherwise --------
REDIS_URL = env("REDIS_URL", default="")
# A hung Redis must not hang a request: short socket timeouts everywhere.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=1.0)
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis, falling back to a per-process memory cache (with a logged warning) while Redis
            # is down or hung: allauth's rate limits lock in this cache on every login (README).
            "BACKEND": "mentorship.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CACHE_SOCKET_TIMEOUT", default=0.5),
                "socket_timeout": env.float("REDIS_CACHE_SOCKET_TIMEOUT", default=0.5),
                "retry_seconds": env.float("REDIS_CACHE_RETRY_SECONDS", default=30.0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The embedded default names a host: kombu warns "No hostname was supplied" for a bare "memory://"
# each time an eager task acquires a producer (seed_demo printed it).
EMBEDDED_BROKER_URL = "memory://localhost/"
CELERY_BROKER_URL = REDIS_URL or EMBEDDED_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# Broker settings (README, "Operations"). Tasks are idempotent, so they are acknowledged after they
# run; a worker that dies mid-task gives its message back (reject_on_worker_lost) and a worker that
# disappears entirely gives it back after the visibility timeout. Heartbeats in the rows (matching
# runs, the email "sending" lease) heal sooner than that.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a long matching run never holds short email tasks hostage
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    # Unacknowledged messages come back after this. Longer than the longest task (matching: 11 min)
    # so a slow task is not run twice, and no ETA or countdown is ever scheduled beyond it.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=1800),
    # Publishing inside a request never retries the connection: the "still to do" row is already
    # saved and the periodic sweeps dispatch it later.
    "max_retries": 0,
}
# No publish retry inside the request (each retry would wait for another socket timeout).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
# After a failed publish, requests skip the broker for this long (mentorship/broker.py).
BROKER_RETRY_SECONDS = env.float("BROKER_RETRY_SECONDS", default=15.0)
# A matching run whose heartbeat is older than this is requeued (or failed after 3 attempts).
MATCHING_STUCK_AFTER_SECONDS = env.float("MATCHING_STUCK_AFTER_SECONDS", default=60.0)
MATCHING_REAP_SECONDS = env.float("MATCHING_REAP_SECONDS", default=20.0)
CELERY_BEAT_SCHEDULE = {
    "notifications-dispatch-pending": {
        "task": "notifications.tasks.dispatch_pending_notifications",
        "schedule": env.float("NOTIFICATIONS_SWEEP_SECONDS", default=60.0),
    },
    "reminders-due-scan": {
        "task": "notifications.tasks.scan_due_reminders",
        "schedule": env.float("REMINDER_SCAN_SECONDS", default=300.0),
    },
    "matching-reap-stuck-runs": {
        "task": "matching.tasks.reap_stuck_runs",
        "schedule": MATCHING_REAP_SECONDS,
    },
    # Direct requests expire in the due scan above (one home); this sweep queues near-duplicate
    # scans whose enqueue was lost (the broker was down when an application changed).
    "programs-scan-stale-duplicates": {
        "task": "programs.tasks.scan_stale_duplicates",
        "schedule": 300.0,
    },
    "privacy-purge-finished-cohorts": {"task": "privacy.tasks.purge_finished_cohorts", "schedule": 24 * 3600.0},
}
# Contribution evidence: the platforms' REST APIs (tests point these at a local fake server).
GITHUB_API_URL = env("GITHUB_API_URL", default="https://api.github.com")
GITLAB_API_URL = env("GITLAB_API_URL", default="https://gitlab.com/api/v4")
GITHUB_TOKEN = env("GITHUB_TOKEN", default="")
GITLAB_TOKEN = env("GITLAB_TOKEN", default="")
CONTRIBUTIONS_API_TIMEOUT = env.float("CONTRIBUTIONS_API_TIMEOUT", default=10.0)
CELERY_BEAT_SCHEDULE["contributions-fetch-due"] = {
    "task": "contributions.tasks.fetch_due_contributions",
    "schedule": env.float("CONTRIBUTIONS_FETCH_SECONDS", default=300.0),
}
# Data exports ("download my data") live outside MEDIA_ROOT and are served only through a signed link.
PRIVACY_EXPORT_ROOT = env("PRIVACY_EXPORT_ROOT", default=str(VAR_DIR / "private" / "exports"))
PRIVACY_EXPORT_DAYS = env.int("PRIVACY_EXPORT_DAYS", default=7)
# The audit history is read-only in the admin: reverting would change statuses around the services.
SIMPLE_HISTORY_REVERT_DISABLED = True
MENTORSHIP_REQUEST_RESPONSE_DAYS = env.int("MENTORSHIP_REQUEST_RESPONSE_DAYS", default=7)
MENTORSHIP_REQUEST_MAX_OPEN = env.int("MENTORSHIP_REQUEST_MAX_OPEN", default=3)

# --- REST API (api/, README "API") --------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PersonalAccessTokenAuthentication", "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.SignedIn", "api.permissions.TokenScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle", "api.throttling.AnonymousRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
}
# Requests per token (or per signed-in person, or per address for anonymous calls), counted in the cache.
API_RATE_LIMITS = {
    "token": env("API_RATE_LIMIT", default="1000/hour"),
    "anonymous": env("API_RATE_LIMIT_ANONYMOUS", default="200/hour"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mentorship API",
    "DESCRIPTION": "Programs, cohorts, applications, matching and mentorships. Versioned under /api/v1/.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    # What Django's converters accept, so generated examples (schemathesis) stay inside the URL patterns.
    "PATH_CONVERTER_OVERRIDES": {
        "int": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
        "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    },
}

# --- Email -------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Mentorship <noreply@mentorship.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    # Readable files under var/mail/, listed on the staff outbox page.
    EMAIL_BACKEND = "notifications.backends.ReadableFileEmailBackend"
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_TIMEOUT = 10

# --- Security headers that hold everywhere --------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind a proxy that sets X-Forwarded-Proto, set DJANGO_SECURE_PROXY_SSL_HEADER=true.
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# allauth reads the client IP for rate limits from REMOTE_ADDR unless told how many
# proxies in front of the app may be trusted to set X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

# --- Logs, metrics, errors ----------------------------------------------------------
# LOG_FORMAT=json (production's default): one JSON object per line with the request id, which also
# follows the request into the Celery tasks it queues (mentorship/request_id.py).
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "mentorship.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "mentorship.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING too (JSON, request ids)
# /metrics answers only to a scraper that sends "Authorization: Bearer $METRICS_TOKEN"; unset: 404.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
PROMETHEUS_EXPORT_MIGRATIONS = False

SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:  # optional error reporting, web and workers alike
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN, integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,  # no emails or IPs leave for a third party
    )

# Notifications: how long a row may wait before the sweep re-dispatches it.
NOTIFICATIONS_SWEEP_AFTER_SECONDS = env.int("NOTIFICATIONS_SWEEP_AFTER_SECONDS", default=120)
NOTIFICATIONS_MAX_ATTEMPTS = 5
# A row stays "sending" this long at most; after it the sender is presumed dead (SMTP calls time out
# after EMAIL_TIMEOUT seconds per step, well within it).
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=200)  # notifications per send task
NOTIFICATIONS_SEND_LEASE_SECONDS = env.int("NOTIFICATIONS_SEND_LEASE_SECONDS", default=120)
# Reminders are held during the recipient's quiet hours (local time, start and end hour).
NOTIFICATIONS_QUIET_HOURS = (21, 8)
# Daily digests go out at or after this local hour.
NOTIFICATIONS_DIGEST_HOUR = 9
