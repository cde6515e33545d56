#!/usr/bin/env bash
# Prepares the real services this project's tests use on the python-svc machine kind:
# PostgreSQL 15 with pgvector (built from Debian trixie's source, see ../shared/NOTES.md),
# Redis, and Debian's chromium for browser tests. Idempotent: each step is skipped when done.
# Fails loudly: any service that cannot start stops the run.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

log() { printf '[services] %s\n' "$*"; }

PG_VERSION=$(ls /etc/postgresql | sort -V | tail -n1)
PG_CONFIG=/usr/lib/postgresql/${PG_VERSION}/bin/pg_config
APT_UPDATED=0
apt_update() { [ "$APT_UPDATED" = 1 ] || { apt-get update -qq; APT_UPDATED=1; }; }

pg_start() {
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start 2>/dev/null || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && return 0; sleep 1; done
  log "PostgreSQL did not start"; exit 1
}

# --- chromium (browser tests) ---
if ! command -v chromium >/dev/null 2>&1; then
  log "installing chromium"
  apt_update
  apt-get install -y -qq chromium >/dev/null
fi

# --- CJK fonts (screenshots of the Chinese pages show boxes without them) ---
if ! fc-list 2>/dev/null | grep -qi "wqy"; then
  log "installing fonts-wqy-zenhei"
  apt_update
  apt-get install -y -qq fonts-wqy-zenhei >/dev/null
fi

# --- pgvector ---
if [ ! -f "/usr/share/postgresql/${PG_VERSION}/extension/vector.control" ]; then
  log "building pgvector 0.8.0 for PostgreSQL ${PG_VERSION}"
  apt_update
  apt-get install -y -qq "postgresql-server-dev-${PG_VERSION}" dpkg-dev >/dev/null
  work=$(mktemp -d)
  mkdir -p "$work/lists/partial" "$work/src"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
    > "$work/trixie-src.list"
  apt_opts=(-o "Dir::Etc::SourceList=$work/trixie-src.list" -o "Dir::Etc::SourceParts=-" -o "Dir::State::Lists=$work/lists")
  apt-get "${apt_opts[@]}" update -qq
  (cd "$work/src" && apt-get "${apt_opts[@]}" source --download-only -qq pgvector=0.8.0-1 >/dev/null \
     && dpkg-source -x --no-check pgvector_0.8.0-1.dsc pgvector >/dev/null)
  make -s -C "$work/src/pgvector" OPTFLAGS="" PG_CONFIG="$PG_CONFIG" >/dev/null
  make -s -C "$work/src/pgvector" OPTFLAGS="" PG_CONFIG="$PG_CONFIG" install >/dev/null
  rm -rf "$work"
  # postgresql-server-dev upgrades the server packages: restart onto the new binaries.
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main restart 2>/dev/null || true
fi
pg_start
psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null
psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP EXTENSION vector" >/dev/null
log "PostgreSQL $PG_VERSION with pgvector ready"

# --- Redis ---
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  log "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
redis-cli -h 127.0.0.1 ping | grep -q PONG || { log "Redis did not start"; exit 1; }
log "Redis ready"
