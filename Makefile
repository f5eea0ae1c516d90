# The two commands: `make run` and `make test`. Everything installs from the lock files.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install migrate demo messages check bench clean

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# Serves HTTP and WebSockets (daphne) and runs the background-task worker beside it.
run: demo
	@$(PY) manage.py db_worker --queue-name '*' & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the nb/nn/en catalogues after changing strings (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages -l nb -l nn -l en --ignore=node_modules --ignore=.venv
	$(PY) manage.py compilemessages --ignore=node_modules --ignore=.venv

check: install
	$(PY) manage.py makemigrations --check --dry-run
	ENVIRONMENT=production DEBUG=false SECRET_KEY=$$(printf 'x%.0s' $$(seq 60))-ci-only-9f8e7d6c5b4a \
	  PID_HMAC_KEY=ci-only-pid-key-0123456789abcdef0123 ALLOWED_HOSTS=medvirkning.example \
	  DATABASE_URL=sqlite:////tmp/check.sqlite3 EMAIL_URL=smtp+tls://ci@mail.example:587 \
	  $(PY) manage.py check --deploy --fail-level WARNING

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules staticfiles
