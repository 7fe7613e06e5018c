# Talents des territoires — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run manage test quality fix clean bench bench-feeds load

install: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

## Web server, Celery worker and beat, on the configured or embedded PostgreSQL and Redis.
run: install
	$(BIN)/python scripts/run.py

## A manage.py command on the servers `make run` uses, e.g. make manage ARGS="createsuperuser".
manage: install
	$(BIN)/python scripts/with_services.py --like-run $(BIN)/python manage.py $(ARGS)

## The whole test suite against real PostgreSQL and Redis (chromium installed first when missing, as root).
test: install
	scripts/ensure_chromium.sh
	$(BIN)/python scripts/with_services.py $(BIN)/python -m pytest $(PYTEST_ARGS)

quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	SECRET_KEY=quality $(BIN)/mypy .
	SECRET_KEY=quality $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/bandit --quiet --recursive --severity-level medium --exclude '*/migrations/*' partnership territories offers feeds scripts
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=talents.example.fr \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

## Search benchmark at 100,000 offers (its own database, talents_bench; needs wrk): prints figures.
bench: install
	$(BIN)/python scripts/with_services.py $(BIN)/python bench/search.py $(BENCH_ARGS)

## Feed sync benchmark: a 50,000-offer feed in each format, on talents_bench: prints figures.
bench-feeds: install
	$(BIN)/python scripts/with_services.py $(BIN)/python bench/feeds.py $(BENCH_ARGS)

## Load test: a mixed anonymous workload for 60 s at 32 connections against gunicorn (needs wrk).
load: install
	$(BIN)/python scripts/with_services.py $(BIN)/python bench/load.py $(LOAD_ARGS)

fix: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .var
