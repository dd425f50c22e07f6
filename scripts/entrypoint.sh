#!/usr/bin/env bash
# The one entrypoint of every process of the service (the image's ENTRYPOINT,
# compose.yaml and the production smoke run):
#
#   entrypoint.sh web        gunicorn on 0.0.0.0:$PORT (behind a proxy)
#   entrypoint.sh worker     a Celery worker on the default, sending and mail queues
#   entrypoint.sh beat       Celery beat; only the holder of the lock schedules
#   entrypoint.sh migrate    migrate, then collectstatic (run once per deploy,
#                            before web and workers start)
#   entrypoint.sh manage ... any manage.py command
#
# Settings come from the environment (docs/deploy.md); DJANGO_SETTINGS_MODULE
# defaults to cms.settings.production. PYTHON names the interpreter (default:
# the project's .venv if there is one, else python3 on PATH).
set -euo pipefail

APP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$APP_DIR"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-cms.settings.production}"
export PYTHONUNBUFFERED=1
if [ -z "${PYTHON:-}" ]; then
  if [ -x "$APP_DIR/.venv/bin/python" ]; then
    PYTHON="$APP_DIR/.venv/bin/python"
  else
    PYTHON=python3
  fi
fi

usage() {
  echo "usage: $0 web | worker | beat | migrate | manage <command> [args...]" >&2
  exit 64
}

command=${1:-}
[ -n "$command" ] || usage
shift

case "$command" in
  web)
    # gunicorn: WEB_CONCURRENCY worker processes (default 2 per core, at
    # least 2), GUNICORN_THREADS threads each; the proxy in front is trusted
    # for X-Forwarded-Proto from FORWARDED_ALLOW_IPS (the client address is
    # taken from X-Forwarded-For by the app itself, with NUM_PROXIES).
    cores=$(nproc 2>/dev/null || echo 1)
    exec "$PYTHON" -m gunicorn cms.wsgi:application \
      --bind "${BIND_ADDRESS:-0.0.0.0}:${PORT:-8000}" \
      --workers "${WEB_CONCURRENCY:-$((cores * 2 > 2 ? cores * 2 : 2))}" \
      --threads "${GUNICORN_THREADS:-1}" \
      --timeout "${GUNICORN_TIMEOUT:-60}" \
      --graceful-timeout "${GUNICORN_GRACEFUL_TIMEOUT:-30}" \
      --keep-alive "${GUNICORN_KEEPALIVE:-5}" \
      --max-requests "${GUNICORN_MAX_REQUESTS:-2000}" \
      --max-requests-jitter "${GUNICORN_MAX_REQUESTS_JITTER:-200}" \
      --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" \
      --access-logfile - \
      --error-logfile - \
      "$@"
    ;;
  worker)
    exec "$PYTHON" -m celery -A cms worker \
      --queues "${CELERY_QUEUES:-default,sending,mail}" \
      --concurrency "${CELERY_CONCURRENCY:-$(nproc 2>/dev/null || echo 2)}" \
      --loglevel "${LOG_LEVEL:-INFO}" \
      "$@"
    ;;
  beat)
    # Several beats may run (one per host): cms.beat.LockedScheduler lets
    # only the holder of a Redis lock send periodic tasks; the others wait.
    exec "$PYTHON" -m celery -A cms beat \
      --scheduler cms.beat:LockedScheduler \
      --loglevel "${LOG_LEVEL:-INFO}" \
      "$@"
    ;;
  migrate)
    "$PYTHON" manage.py migrate --no-input "$@"
    "$PYTHON" manage.py collectstatic --no-input
    ;;
  manage)
    exec "$PYTHON" manage.py "$@"
    ;;
  *)
    usage
    ;;
esac
