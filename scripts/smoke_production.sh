#!/usr/bin/env bash
# `make smoke-production`: the service as deployed on two hosts, end to end.
#
# Production settings (cms.settings.production) against real services on
# loopback: PostgreSQL (a fresh database of its own, dropped afterwards),
# Redis (REDIS_URL's database and the two after it: broker, cache, rate
# limits), an SMTP server saving every message to a maildir, moto_server as
# the S3 store (media and private buckets), and nginx with TLS, configured
# from deploy/nginx.conf. Then scripts/smoke_production.py starts two "hosts"
# (gunicorn + Celery worker each, no shared local disk) and one beat through
# scripts/entrypoint.sh, and proves what docs/deploy.md promises.
#
# Needs DATABASE_URL (a PostgreSQL role that may create databases) and
# REDIS_URL. Ports: SMOKE_PORT_BASE (default 18000) to +4. SMOKE_KEEP_LOGS:
# a folder to copy the processes' logs to. Any miss exits
# non-zero; everything started is stopped and removed, also on failure.
set -euo pipefail

APP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$APP_DIR"
PY="$APP_DIR/.venv/bin/python"
: "${DATABASE_URL:?DATABASE_URL must name a PostgreSQL server (make smoke-production)}"
: "${REDIS_URL:?REDIS_URL must name a Redis database (make smoke-production)}"
for tool in nginx openssl setsid; do
  command -v "$tool" >/dev/null || { echo "smoke: $tool not found (apt-get install $tool)" >&2; exit 1; }
done

BASE_PORT=${SMOKE_PORT_BASE:-18000}
export SMOKE_PROXY_PORT=$BASE_PORT
export SMOKE_WEB_A_PORT=$((BASE_PORT + 1))
export SMOKE_WEB_B_PORT=$((BASE_PORT + 2))
S3_PORT=$((BASE_PORT + 3))
SMTP_PORT=$((BASE_PORT + 4))

STARTED=$SECONDS
step() { printf '\n=== smoke: %s (%ss)\n' "$1" "$((SECONDS - STARTED))"; }

SMOKE_DIR=$(mktemp -d /tmp/cms-smoke.XXXXXX)
chmod 755 "$SMOKE_DIR"  # nginx's workers read its temp folders
export SMOKE_DIR
PIDS=()
DB_CREATED=

# The smoke run's own database beside DATABASE_URL's, and that URL.
SMOKE_DB=$("$PY" -c 'import os, urllib.parse as u; p = u.urlsplit(os.environ["DATABASE_URL"]); print(p.path.strip("/") + "_smoke_prod")')
ADMIN_URL=$("$PY" -c 'import os, urllib.parse as u; print(u.urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres").geturl())')
SMOKE_DATABASE_URL=$("$PY" -c 'import os, sys, urllib.parse as u; print(u.urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + sys.argv[1]).geturl())' "$SMOKE_DB")

sql() {
  "$PY" - "$ADMIN_URL" "$1" <<'EOF'
import sys

import psycopg

with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    conn.execute(sys.argv[2])
EOF
}

# The broker's, the cache's and the limits' Redis databases: REDIS_URL's and
# the two after it, as cms.settings.base derives them.
redis_dbs() {
  "$PY" - <<'EOF'
import os
import urllib.parse as u

url = u.urlsplit(os.environ["REDIS_URL"])
base = int(url.path.strip("/") or 0)
for db in range(base, base + 3):
    print(url._replace(path=f"/{db}").geturl())
EOF
}

flush_redis() {
  local url
  for url in $(redis_dbs); do
    "$PY" -c 'import sys, redis; redis.Redis.from_url(sys.argv[1]).flushdb()' "$url"
  done
}

cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  # The driver stops what it started; its process list covers a driver
  # that died before it could.
  if [ -f "$SMOKE_DIR/pids" ]; then
    while read -r pid; do kill -TERM -- "-$pid" 2>/dev/null; done <"$SMOKE_DIR/pids"
  fi
  # Each started with setsid: its process group goes with it.
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
  sleep 1
  if [ -f "$SMOKE_DIR/pids" ]; then
    while read -r pid; do kill -KILL -- "-$pid" 2>/dev/null; done <"$SMOKE_DIR/pids"
  fi
  for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null; done
  wait 2>/dev/null
  if [ -n "$DB_CREATED" ]; then
    sql "DROP DATABASE IF EXISTS \"$SMOKE_DB\" WITH (FORCE)" || echo "smoke: could not drop $SMOKE_DB" >&2
  fi
  flush_redis 2>/dev/null
  if [ "$status" -ne 0 ] && [ -d "$SMOKE_DIR" ]; then
    echo "smoke: FAILED (exit $status); last lines of each log:" >&2
    for log in "$SMOKE_DIR"/logs/*.log; do
      [ -f "$log" ] || continue
      echo "--- $log" >&2
      tail -n 15 "$log" >&2
    done
  fi
  if [ -n "${SMOKE_KEEP_LOGS:-}" ]; then
    mkdir -p "$SMOKE_KEEP_LOGS" && cp -r "$SMOKE_DIR/logs/." "$SMOKE_KEEP_LOGS/"
  fi
  rm -rf "$SMOKE_DIR"
  printf '\n=== smoke: %s after %ss\n' "$([ "$status" -eq 0 ] && echo passed || echo FAILED)" "$((SECONDS - STARTED))"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$SMOKE_DIR/logs" "$SMOKE_DIR/nginx" "$SMOKE_DIR"/mail/{cur,new,tmp}
for port in "$SMOKE_PROXY_PORT" "$SMOKE_WEB_A_PORT" "$SMOKE_WEB_B_PORT" "$S3_PORT" "$SMTP_PORT"; do
  if "$PY" -c 'import socket, sys; s = socket.socket(); s.settimeout(0.3); sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))) != 0)' "$port"; then
    echo "smoke: port $port is taken (SMOKE_PORT_BASE chooses others)" >&2
    exit 1
  fi
done

step "database $SMOKE_DB, Redis databases of $REDIS_URL"
sql "DROP DATABASE IF EXISTS \"$SMOKE_DB\" WITH (FORCE)"
sql "CREATE DATABASE \"$SMOKE_DB\""
DB_CREATED=1
flush_redis

step "SMTP server (maildir) on 127.0.0.1:$SMTP_PORT, S3 (moto) on 127.0.0.1:$S3_PORT"
setsid "$PY" -m aiosmtpd -n -c aiosmtpd.handlers.Mailbox "$SMOKE_DIR/mail" \
  -l "127.0.0.1:$SMTP_PORT" >"$SMOKE_DIR/logs/smtp.log" 2>&1 &
PIDS+=($!)
setsid "$APP_DIR/.venv/bin/moto_server" -H 127.0.0.1 -p "$S3_PORT" >"$SMOKE_DIR/logs/s3.log" 2>&1 &
PIDS+=($!)

# Settings shared by every process of the service (docs/deploy.md).
export DJANGO_SETTINGS_MODULE=cms.settings.production
export SECRET_KEY="smoke-old-key-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(40))')"
export SMOKE_NEW_SECRET_KEY="smoke-new-key-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(40))')"
unset SECRET_KEY_FALLBACKS
export ALLOWED_HOSTS=localhost
export BASE_URL="https://localhost:$SMOKE_PROXY_PORT"
export NUM_PROXIES=1
export DATABASE_URL="$SMOKE_DATABASE_URL"
export REDIS_URL
unset CELERY_BROKER_URL CACHE_URL RATELIMIT_REDIS_URL CELERY_RESULT_BACKEND
export EMAIL_URL="smtp://127.0.0.1:$SMTP_PORT"
export DEFAULT_FROM_EMAIL="Smoke <newsletter@smoke.example.org>"
export AWS_STORAGE_BUCKET_NAME=cms-media
export AWS_PRIVATE_BUCKET_NAME=cms-private
export AWS_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT"
export AWS_ACCESS_KEY_ID=smoke-key
export AWS_SECRET_ACCESS_KEY=smoke-secret
export AWS_S3_REGION_NAME=eu-central-1
export AWS_S3_ADDRESSING_STYLE=path
# Public media through the proxy, as docs/deploy.md suggests.
export AWS_S3_CUSTOM_DOMAIN="localhost:$SMOKE_PROXY_PORT/media"
export AWS_S3_URL_PROTOCOL=https:
export STATIC_ROOT="$SMOKE_DIR/static"
export API_RATE_LIMIT=20
export NEWSLETTERS_SEND_CHUNK_SIZE=100
export NEWSLETTERS_SEND_RATE=200
export HEARTBEAT_SECONDS=5
export BEAT_LOCK_SECONDS=6
export LOG_LEVEL=WARNING
export WEB_CONCURRENCY=2
export CELERY_CONCURRENCY=2
export SMOKE_S3_PORT=$S3_PORT

"$PY" - <<'EOF'
import json
import os
import time

import boto3
import botocore.exceptions

client = boto3.client(
    "s3",
    endpoint_url=os.environ["AWS_S3_ENDPOINT_URL"],
    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
    region_name=os.environ["AWS_S3_REGION_NAME"],
)
for attempt in range(100):
    try:
        client.list_buckets()
        break
    except botocore.exceptions.EndpointConnectionError:
        time.sleep(0.1)
else:
    raise SystemExit("smoke: moto_server did not start")
for bucket in ("cms-media", "cms-private"):
    client.create_bucket(
        Bucket=bucket,
        CreateBucketConfiguration={"LocationConstraint": "eu-central-1"},
    )
# As docs/deploy.md asks of the operator: renditions (images/) readable by
# anyone, nothing else.
client.put_bucket_policy(
    Bucket="cms-media",
    Policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::cms-media/images/*",
                }
            ],
        }
    ),
)
EOF

step "TLS certificate and nginx on https://localhost:$SMOKE_PROXY_PORT (deploy/nginx.conf)"
# A certificate authority of the run's own, and the proxy's certificate.
(
  cd "$SMOKE_DIR/nginx"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=smoke CA" \
    -keyout ca-key.pem -out ca.pem
  openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout key.pem -out cert.csr
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >cert.ext
  openssl x509 -req -in cert.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
    -days 1 -extfile cert.ext -out cert.pem
) >"$SMOKE_DIR/logs/openssl.log" 2>&1
export SMOKE_CA="$SMOKE_DIR/nginx/ca.pem"
"$PY" "$APP_DIR/scripts/smoke_production.py" nginx-config >"$SMOKE_DIR/nginx/nginx.conf"
nginx -t -q -p "$SMOKE_DIR/nginx" -c "$SMOKE_DIR/nginx/nginx.conf"
setsid nginx -p "$SMOKE_DIR/nginx" -c "$SMOKE_DIR/nginx/nginx.conf" >"$SMOKE_DIR/logs/nginx.log" 2>&1 &
PIDS+=($!)

step "1. entrypoint.sh migrate"
# In the background and waited for: a signal then stops the run at once.
setsid scripts/entrypoint.sh migrate >"$SMOKE_DIR/logs/migrate.log" 2>&1 &
PIDS+=($!)
wait $! || { echo "smoke: migrate failed" >&2; exit 1; }

step "2-3. two hosts, beat, and the checks (scripts/smoke_production.py)"
setsid "$PY" "$APP_DIR/scripts/smoke_production.py" run &
PIDS+=($!)
wait $!
