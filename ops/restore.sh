#!/usr/bin/env bash
# Restore a backup made by ops/backup.sh into an EMPTY database and media folder.
#   createdb mentorship_restored
#   DATABASE_URL=postgres://user@host:5432/mentorship_restored MEDIA_ROOT=/srv/mentorship/media ops/restore.sh /backups/2026-11-30
# Checks the checksums, restores in one transaction (all or nothing), unpacks the uploads, then runs
# `manage.py migrate` (a no-op for a dump of the same release; brings an older dump up to date).
set -euo pipefail
src="${1:?usage: ops/restore.sh BACKUP_FOLDER}"
: "${DATABASE_URL:?set DATABASE_URL}" "${MEDIA_ROOT:?set MEDIA_ROOT}"
(cd "$src" && sha256sum --check --quiet SHA256SUMS)
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname "$DATABASE_URL" "$src/db.dump"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xzf "$src/media.tar.gz"
cd "$(dirname "$0")/.."
"${PYTHON:-.venv/bin/python}" manage.py migrate --noinput
echo "restored from $src"
