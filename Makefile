# The two commands: `make run` and `make test`. Everything installs from the lock files.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test browser lint format install migrate demo messages check bench clean

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
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py load_demo

# Serves HTTP and WebSockets (daphne) and runs the background-task worker beside it.
# The worker's output (including the e-mails it sends, printed in development) goes to
# .run/worker.log so the demo logins stay readable above the server's log. Beside it, a loop
# runs send_due_notifications every 5 minutes (production: cron, see docs/deploy.md).
run: demo
	@mkdir -p .run
	@$(PY) manage.py db_worker --queue-name '*' > .run/worker.log 2>&1 & worker=$$!; \
	while true; do $(PY) manage.py send_due_notifications; sleep 300; done \
		> .run/due.log 2>&1 & due=$$!; \
	trap "kill $$worker $$due 2>/dev/null" EXIT INT TERM; \
	echo "Background tasks: .run/worker.log (e-mails sent by tasks are printed there)"; \
	echo "Due notifications (new and closing hearings, digests) every 5 minutes: .run/due.log"; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests need Debian's Chromium: installed when missing (as root), else one line says
# how, before anything else is installed.
browser:
	@$(if $(findstring not e2e,$(PYTEST_ARGS)),true,.ci/ensure-chromium)

test: browser install
	$(PY) -m pytest $(PYTEST_ARGS)

# Faults on the server as deployed (uvicorn with 2 workers, production settings, PostgreSQL,
# and a private redis-server on port 6390 that the suite stops and starts): a worker killed,
# Redis down, database connections dropped, 64 clients at once. Needs DATABASE_URL (PostgreSQL)
# and REDIS_URL; prints what it counted. `make test` skips tests/faults.
.PHONY: faults
faults: install
	FAULTS=1 $(PY) -m pytest tests/faults -s -q $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the nb/nn/en catalogues after changing strings (needs GNU gettext), then
# translate what is new and run it again to compile. allauth ships no nynorsk: our own
# translation of its messages (locale/nn/allauth.po, kept by hand) joins the nn catalogue
# here; makemessages alone would mark those msgids obsolete, as they are not in our sources.
MESSAGES_IGNORE := --ignore=node_modules --ignore=.venv --ignore=staticfiles --ignore=media \
	--ignore=tests --ignore=bench --ignore=docs
NN_PO := locale/nn/LC_MESSAGES/django.po
messages: install
	$(PY) manage.py makemessages -l nb -l nn -l en --no-obsolete $(MESSAGES_IGNORE)
	msgcat --use-first -o $(NN_PO) $(NN_PO) locale/nn/allauth.po
	$(PY) manage.py compilemessages -l nb -l nn -l en $(MESSAGES_IGNORE)

check: install
	$(PY) manage.py makemigrations --check --dry-run
	ENVIRONMENT=production DEBUG=false SECRET_KEY=$$(printf 'x%.0s' $$(seq 60))-ci-only-9f8e7d6c5b4a \
	  PID_HMAC_KEY=ci-only-pid-key-0123456789abcdef0123 ALLOWED_HOSTS=medvirkning.example \
	  SITE_URL=https://medvirkning.example \
	  DATABASE_URL=sqlite:////tmp/check.sqlite3 EMAIL_URL=smtp+tls://ci@mail.example:587 \
	  $(PY) manage.py check --deploy --fail-level WARNING

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules staticfiles
