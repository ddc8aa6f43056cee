# Kith — the two commands of the README, and the developer's others.
#   make run    install, load the demo, serve on http://127.0.0.1:8000 (prints the demo logins)
#   make test   the whole suite: lint, types, tests on SQLite, then the web apps' tests on
#               PostgreSQL when KITH_TEST_DATABASE_URL is set (.ci/run starts a server and sets it)
#   make bench  benchmarks, figures into docs/benchmarks.md
#   make lint   ruff and mypy only
#   make audit  pip-audit of requirements.lock against PyPI's vulnerability data; fails when it
#               cannot check every package. Where PyPI's per-version data cannot be reached at
#               all, a loud WARNING (an error with KITH_REQUIRE_AUDIT=1). Accepted
#               findings: audit-waivers.txt (id, review date, reason). KITH_SKIP_AUDIT=1 skips
#               it in `make test`, printing a warning (for machines without network only).
#   make lock   rewrite requirements.lock from the exact versions installed in .venv

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Debian packages the tests and the PDF/browser features need; installed when we are root.
APT_PACKAGES := python3-venv chromium postgresql libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils fonts-dejavu-core

.PHONY: run test bench lint install sysdeps python-check audit lock

python-check:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "Kith needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version)."; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; \
	  else echo "Python's venv module is missing. Run: sudo apt-get install python3-venv"; exit 1; fi; }

$(STAMP): pyproject.toml | python-check
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[web,parquet,dev]"
	touch $(STAMP)

install: $(STAMP)

# System packages: installed with apt-get when running as root on Debian/Ubuntu,
# otherwise the exact command is printed. The app starts without them; some tests need them.
sysdeps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Some tests need system packages. Run: sudo apt-get install -y$$missing"; fi; \
	fi

run: install
	$(BIN)/kith demo
	@echo "Demo only: two-factor sign-in is not required (KITH_MFA_REQUIRED=off)."
	KITH_MFA_REQUIRED=off $(BIN)/kith serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Test folders of the Django apps: the ones run a second time on PostgreSQL.
WEB_TESTS = $(filter-out kith/network/tests kith/formats/tests kith/instruments/tests kith/tests,$(wildcard kith/*/tests))

# The exact versions installed (what CI tests), for pip-audit.
lock: install
	@{ echo "# Exact versions installed by 'make install' (regenerate: make lock). Audited by 'make audit'."; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^-e '; } > requirements.lock

# Waived vulnerability ids (first word of each non-comment line of audit-waivers.txt).
AUDIT_WAIVERS = $(foreach id,$(shell grep -v '^\s*\#' audit-waivers.txt 2>/dev/null | awk 'NF {print $$1}'),--ignore-vuln $(id))

# pip-audit asks https://pypi.org/pypi/<name>/<version>/json. Some networks (a registry proxy)
# answer only /pypi/<name>/json, and then no pinned version can be checked: say so loudly and
# fail only when KITH_REQUIRE_AUDIT=1, instead of pip-audit's silent "all skipped" pass.
AUDIT_PROBE = https://pypi.org/pypi/django/$(shell sed -n 's/^[Dd]jango==//p' requirements.lock)/json

audit: install
	@if $(BIN)/python -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=30)" \
	    "$(AUDIT_PROBE)" 2>/dev/null; then \
	  $(BIN)/pip-audit -r requirements.lock --no-deps --disable-pip --strict \
	    --vulnerability-service pypi --progress-spinner off $(AUDIT_WAIVERS); \
	elif [ "$$KITH_REQUIRE_AUDIT" = 1 ]; then \
	  echo "ERROR: PyPI's per-version vulnerability data ($(AUDIT_PROBE)) cannot be reached."; exit 1; \
	else \
	  echo "WARNING: dependencies NOT audited: PyPI's per-version vulnerability data"; \
	  echo "WARNING: ($(AUDIT_PROBE)) cannot be reached from this network."; \
	fi

test: install sysdeps
	@if [ "$$KITH_SKIP_AUDIT" = 1 ]; then echo "WARNING: KITH_SKIP_AUDIT=1: dependencies NOT audited."; \
	else $(MAKE) --no-print-directory audit; fi
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -n 2
	@if [ -n "$$KITH_TEST_DATABASE_URL" ]; then \
	  echo "Web app tests again on PostgreSQL:"; \
	  DATABASE_URL="$$KITH_TEST_DATABASE_URL" $(BIN)/pytest -n 2 $(WEB_TESTS); \
	elif [ "$$KITH_REQUIRE_ALL" = 1 ]; then \
	  echo "KITH_REQUIRE_ALL=1 but KITH_TEST_DATABASE_URL is not set: the PostgreSQL run cannot be skipped."; exit 1; \
	else echo "PostgreSQL run skipped: set KITH_TEST_DATABASE_URL=postgres://user:pass@host/db to include it."; fi

bench: install
	$(BIN)/python benchmarks/bench_measures.py --write-docs
	$(BIN)/python benchmarks/bench_read.py --write-docs
	$(BIN)/python benchmarks/bench_web.py --write-docs
	$(BIN)/python benchmarks/bench_assets.py --write-docs
