# One image for every process: web, worker, beat and the one-off migrate
# (scripts/entrypoint.sh picks which). docs/deploy.md describes the variables.
#
#   docker build -t cms .
#   docker run --env-file cms.env cms migrate
#   docker run --env-file cms.env -p 8000:8000 cms web

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt
WORKDIR /app
COPY . /app
# Message catalogues compiled with msgfmt (gettext), static files collected
# into the image (WhiteNoise serves them from every web container). Build-time
# values only: nothing connects to a service here.
RUN DJANGO_SETTINGS_MODULE=cms.settings.production \
    SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-000 \
    ALLOWED_HOSTS=localhost BASE_URL=http://localhost \
    DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    EMAIL_URL=smtp://localhost:25 NUM_PROXIES=1 VAR_DIR=/tmp/build-var \
    STATIC_ROOT=/app/static \
    sh -c 'find locale -name "*.mo" -delete && python manage.py compilemessages && python manage.py collectstatic --no-input' \
 && rm -rf /tmp/build-var

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHON=/opt/venv/bin/python \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=cms.settings.production \
    STATIC_ROOT=/app/static \
    VAR_DIR=/app/var \
    PORT=8000
# libpq-free: psycopg[binary] brings its own. mjml-python and Pillow ship wheels.
RUN groupadd --system --gid 10001 cms \
 && useradd --system --uid 10001 --gid cms --home-dir /app --shell /usr/sbin/nologin cms
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=root:root /app /app
# The only writable place: VAR_DIR (beat's schedule file, scratch). Media and
# private files are on object storage (AWS_STORAGE_BUCKET_NAME), never here.
RUN rm -rf /app/.venv /app/var && mkdir -p /app/var && chown cms:cms /app/var
WORKDIR /app
USER cms
EXPOSE 8000
ENTRYPOINT ["/app/scripts/entrypoint.sh"]
CMD ["web"]
