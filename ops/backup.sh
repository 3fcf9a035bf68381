#!/usr/bin/env bash
# Back up everything the site cannot rebuild: the Postgres database and the media folder (uploads).
#   DATABASE_URL=postgres://user@host:5432/mentorship MEDIA_ROOT=/srv/mentorship/media ops/backup.sh /backups/2026-11-30
# Writes db.dump (pg_dump custom format: consistent snapshot, compressed, restorable table by table),
# media.tar.gz and SHA256SUMS into the folder. Safe while the site runs. Needs pg_dump of the server's major version.
set -euo pipefail
dest="${1:?usage: ops/backup.sh DESTINATION_FOLDER}"
: "${DATABASE_URL:?set DATABASE_URL}" "${MEDIA_ROOT:?set MEDIA_ROOT}"
mkdir -p "$dest" "$MEDIA_ROOT"
pg_dump --format=custom --no-owner --no-privileges --file "$dest/db.dump" "$DATABASE_URL"
tar -C "$MEDIA_ROOT" -czf "$dest/media.tar.gz" .
(cd "$dest" && sha256sum db.dump media.tar.gz > SHA256SUMS)
echo "backup written to $dest"
