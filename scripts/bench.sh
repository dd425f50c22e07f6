#!/usr/bin/env bash
# `make bench`: every benchmark in one run (tests/bench/run_all.py), writing
# docs/benchmarks.md and docs/bench-scale.png. Non-interactive.
#
# Uses the PostgreSQL and Redis that DATABASE_URL / REDIS_URL name when both
# are set (the runners create and drop their own databases on that server,
# and use Redis databases REDIS_URL's number .. +17, emptied before and
# after); otherwise starts private ones on loopback for the run, like
# .ci/run (BENCH_PG_PORT, BENCH_REDIS_PORT). Installs Postfix (for
# smtp-sink/smtp-source; configured as "No configuration", so no mail
# server runs) and wrk from Debian when they are missing.
#
#   scripts/bench.sh [--quick]        QUICK=1 in make; BENCH_LONG=1: 1M sent
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
step() { printf '\n=== %s (%ss)\n' "$1" "$SECONDS"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

step "system packages"
missing=()
command -v smtp-sink >/dev/null || [ -x /usr/sbin/smtp-sink ] || missing+=(postfix)
command -v wrk >/dev/null || missing+=(wrk)
if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

RUN_DIR=""
cleanup() {
  set +e
  if [ -n "$RUN_DIR" ]; then
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1
    su postgres -c "$PG_BIN/pg_ctl -D $RUN_DIR/pg -m immediate stop" >/dev/null 2>&1
    rm -rf "$RUN_DIR"
  fi
}
trap cleanup EXIT

if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  [ "$(id -u)" = 0 ] || { echo "Private services need root (su postgres); or set DATABASE_URL and REDIS_URL."; exit 1; }
  RUN_DIR=$(mktemp -d /tmp/bench-services.XXXXXX)
  chmod 1777 "$RUN_DIR"
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PG_PORT=${BENCH_PG_PORT:-55439}
  REDIS_PORT=${BENCH_REDIS_PORT:-56389}
  step "PostgreSQL on 127.0.0.1:$PG_PORT (private, as in CI: fsync off)"
  mkdir -p "$RUN_DIR/pg" && chown postgres:postgres "$RUN_DIR/pg"
  su postgres -c "$PG_BIN/initdb -D $RUN_DIR/pg -U postgres -A trust -E UTF8 --locale=C.UTF-8" >/dev/null
  su postgres -c "$PG_BIN/pg_ctl -D $RUN_DIR/pg -l $RUN_DIR/pg.log -w -o '-p $PG_PORT -k $RUN_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off' start" >/dev/null
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE ROLE cms LOGIN SUPERUSER PASSWORD 'cms'"
  step "Redis on 127.0.0.1:$REDIS_PORT (private)"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --logfile "$RUN_DIR/redis.log" --dir "$RUN_DIR"
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export DATABASE_URL="postgres://cms:cms@127.0.0.1:$PG_PORT/cms_bench"
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
else
  step "PostgreSQL and Redis from DATABASE_URL and REDIS_URL"
fi

step "Python environment"
make --no-print-directory install

step "benchmarks"
.venv/bin/python tests/bench/run_all.py "$@"
step "done"
