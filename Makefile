# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Every absolute link (emails, feeds, the API's URLs, the read model) uses
# BASE_URL; under `make run` it follows PORT unless given. Passed to every
# process honcho starts (honcho gives each its own PORT, so it cannot be
# derived there).
BASE_URL ?= http://localhost:$(PORT)

.PHONY: run test smoke-production lint format install migrate demo messages clean-var bench bench-api bench-sending bench-import

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	test -x $(VENV)/bin/pip || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## Test tools from npm (axe-core for tests/e2e/test_public_pages.py), as
## package-lock.json pins them; again whenever the lock file is newer.
node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: apt-get install nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

install: $(VENV)/.installed node_modules/.package-lock.json

migrate: install
	BASE_URL=$(BASE_URL) $(PY) manage.py migrate --no-input

## Demo data; the read model is rebuilt, so its stored URLs follow BASE_URL
## (a run on another port than the last one).
demo: migrate
	BASE_URL=$(BASE_URL) $(PY) manage.py load_demo_data
	BASE_URL=$(BASE_URL) $(PY) manage.py rebuild_news_readmodel

## Set up and run web + Celery worker + beat on the embedded defaults.
run: demo
	@echo
	@echo "  Admin:    $(BASE_URL)/admin/  (user 'admin'; password printed"
	@echo "            above when first created, or the DEMO_ADMIN_PASSWORD you set)"
	@echo "  API docs: $(BASE_URL)/api/v3/docs/"
	@echo "  Health:   $(BASE_URL)/healthz"
	@echo "  Mail:     var/mail/*.eml"
	@echo
	DJANGO_SETTINGS_MODULE=cms.settings.dev PORT=$(PORT) BASE_URL=$(BASE_URL) $(VENV)/bin/honcho --procfile Procfile.dev start

## Set up and run the whole test suite (services from the environment, see
## README), in TEST_PROCESSES processes (pytest-xdist; each test module stays
## in one process, so what a module builds once is built once).
TEST_PROCESSES ?= 2
test: install
	$(VENV)/bin/pytest -n $(TEST_PROCESSES) --dist loadfile --durations=25

## The service as deployed on two hosts, end to end (docs/deploy.md, "The
## production smoke run"): production settings, gunicorn, Celery workers and
## beat through scripts/entrypoint.sh, nginx (deploy/nginx.conf, TLS), S3
## (moto), SMTP; needs DATABASE_URL and REDIS_URL as `make test` does, and
## nginx and openssl.
smoke-production: install
	scripts/smoke_production.sh

## Lint, format check, Django checks, missing migrations.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py makemigrations --check --dry-run

## Translations: extract every string into the seven catalogues (locale/),
## then compile them. Needs GNU gettext (xgettext, msgmerge). What is left to
## translate: `$(PY) scripts/translation_todo.py` (README, "Translations").
MESSAGE_LANGUAGES := sq sr sr_Latn bs mk cnr tr
messages:
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py makemessages \
	  $(addprefix -l ,$(MESSAGE_LANGUAGES)) --add-location=file \
	  --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'docs/*'
	$(PY) scripts/compile_messages.py

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Every benchmark in one run (P1-P7 against their baselines, scale, load,
## P8), written into docs/benchmarks.md and docs/bench-scale.png. Installs
## postfix (smtp-sink/smtp-source) and wrk when missing; uses DATABASE_URL
## and REDIS_URL when both are set, else starts private PostgreSQL and Redis.
## QUICK=1: smaller sizes, under 10 minutes on 2 cores; BENCH_LONG=1 also
## sends to 1M recipients.
QUICK ?=
bench:
	scripts/bench.sh $(if $(filter-out 0,$(QUICK)),--quick,)

## Benchmarks P4/P5 (see docs/benchmarks.md); needs DATABASE_URL, REDIS_URL, wrk.
bench-api: install
	$(PY) tests/bench/run_api.py

## Benchmarks P1/P2/P3/P6 and the 100,000-subscriber acceptance run (see
## docs/sending.md); needs DATABASE_URL, REDIS_URL and Postfix's smtp-sink.
bench-sending: install
	$(PY) tests/bench/run_render.py
	$(PY) tests/bench/run_sending.py
	$(PY) tests/bench/run_acceptance.py

## Benchmark P8, the 100,000-row CSV import (see docs/benchmarks.md).
bench-import: install
	$(PY) tests/bench/run_import.py

## Start again from an empty embedded database, broker and mail folder.
clean-var:
	rm -rf var/db.sqlite3* var/celery var/cache var/mail
