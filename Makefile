# Asamblea: `make run` to start with demo data, `make test` to run the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
# The suite runs in this many processes (pytest-xdist).
TEST_WORKERS ?= 2

.PHONY: run test lint format bench messages check-deploy clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[dev]"
	touch $(STAMP_RUN) $@

# Development commands run with DEBUG on (it allows the built-in development key); a
# production process without SECRET_KEY refuses to start.
DEV := DEBUG=$${DEBUG:-1}

# `make run PORT=8001` serves on another port; `make run DEMO=0` starts without the demo
# assemblies (then `manage.py create_assembly`, README "Starting a real assembly").
PORT ?= 8000
DEMO ?= 1
# Links printed (invitations) and mailed name the address the server really answers on.
SITE := SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}

run: $(STAMP_RUN)
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py compile_translations
	$(DEV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@if [ "$(DEMO)" != 0 ]; then $(DEV) $(SITE) $(PY) manage.py seed_demo; fi
	@echo "Asamblea is running at http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	$(DEV) $(SITE) ASAMBLEA_PYTHON=$(PY) bin/serve -b 127.0.0.1 -p $(PORT)

test: $(STAMP_DEV)
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends chromium chromium-driver gettext >/dev/null; fi
	$(DEV) $(PY) manage.py compile_translations
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: $(STAMP_DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP_DEV)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP_DEV)
	$(PY) bench/run.py

messages: $(STAMP_DEV)
	$(DEV) $(PY) manage.py makemessages -l es --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench
	$(DEV) $(PY) manage.py compile_translations

check-deploy: $(STAMP_RUN)
	SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-value-for-the-check-only-000000 \
	ALLOWED_HOSTS=asamblea.example.org $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .test-db*
