"""The documented backup (ops/backup.sh: pg_dump plus the media folder) restores (ops/restore.sh) into an
empty database and a fresh media folder, and a gunicorn serving the restored copy shows the same site:
the catalog, a person's login and dashboard, and an uploaded CV through its permission-checked view."""
import subprocess
from pathlib import Path

import pytest
import requests
from django.core.files.base import ContentFile
from django.db import connection

from accounts.tests.factories import PASSWORD
from conftest import require
from programs.tests.factories import cohort_scenario
from tests.celery_processes import process_env

from .servers import gunicorn_server

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent.parent
CV = b"%PDF-1.4\n% a restored CV\n"


def _admin_cursor_run(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)


def test_a_backup_restores_into_an_empty_database_and_serves_pages(tmp_path, settings):
    require(connection.vendor == "postgresql", "backups are pg_dump: needs Postgres")
    require(subprocess.run(["which", "pg_dump", "pg_restore"], capture_output=True).returncode == 0,
            "pg_dump and pg_restore are not installed (apt-get install postgresql-client)")
    settings.MEDIA_ROOT = str(tmp_path / "media-live")
    scenario = cohort_scenario(mentors=1, applications=1)
    application = scenario.applications[0]
    application.cv.save("cv.pdf", ContentFile(CV))
    program = scenario.cohort.program

    env = process_env(redis_url="", mail_dir=tmp_path / "mail")
    live_url = env["DATABASE_URL"]
    restored_name = f"{connection.settings_dict['NAME']}_restored"
    restored_url = live_url.rsplit("/", 1)[0] + "/" + restored_name
    _admin_cursor_run(f'DROP DATABASE IF EXISTS "{restored_name}"')
    _admin_cursor_run(f'CREATE DATABASE "{restored_name}"')
    try:
        backup = tmp_path / "backup"
        done = subprocess.run(["ops/backup.sh", str(backup)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                              env={**env, "DATABASE_URL": live_url, "MEDIA_ROOT": settings.MEDIA_ROOT})
        assert done.returncode == 0, done.stderr
        restored_media = tmp_path / "media-restored"
        restored_env = {**env, "DATABASE_URL": restored_url, "MEDIA_ROOT": str(restored_media),
                        "PYTHON": str(Path(__import__("sys").executable))}
        done = subprocess.run(["ops/restore.sh", str(backup)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                              env=restored_env)
        assert done.returncode == 0, done.stdout + done.stderr
        with gunicorn_server(env=restored_env, log_path=tmp_path / "gunicorn.log", workers=1) as base:
            assert requests.get(f"{base}/readyz", timeout=10).status_code == 200
            catalog = requests.get(f"{base}/programs/{program.slug}/", timeout=10)
            assert catalog.status_code == 200 and program.name in catalog.text
            person = requests.Session()
            person.get(f"{base}/accounts/login/", timeout=10)
            login = person.post(f"{base}/accounts/login/", data={
                "login": application.applicant.email, "password": PASSWORD,
                "csrfmiddlewaretoken": person.cookies["csrftoken"]}, timeout=10)
            assert login.status_code == 200 and login.url.endswith("/dashboard/"), login.url
            cv = person.get(f"{base}/applications/{application.pk}/cv/", timeout=10)
            assert cv.status_code == 200 and cv.content == CV
    finally:
        connection.close()  # no session may hold the copy open
        _admin_cursor_run(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
