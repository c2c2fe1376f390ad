# Two commands set Tandem up on a fresh machine: `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install run test test-sqlite test-postgres lint format chromium catalogs messages vendor-docs

# Re-installs only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Translations: each catalog (app/locales/<code>/LC_MESSAGES/tandem.po) is compiled when it
# changes; `make messages` extracts the marked strings and merges them into every catalog.
CATALOGS := $(wildcard app/locales/*/LC_MESSAGES/tandem.po)

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -D tandem -i $< -o $@

catalogs: $(CATALOGS:.po=.mo)

messages: install
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -o app/locales/tandem.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -D tandem -i app/locales/tandem.pot -d app/locales

# The API reference's viewers (/docs, /redoc) are served from app/web/static/vendor, copied from
# npm at these versions with their licences; `make vendor-docs` copies them again. ReDoc's
# footer loads its logo from a CDN: that address becomes an empty data: URL (ReDoc then leaves
# the logo out), so the page asks nothing of other sites.
SWAGGER_UI_VERSION := 5.35.0
REDOC_VERSION := 2.5.4
VENDOR := app/web/static/vendor
NPM := build/npm

vendor-docs:
	rm -rf $(NPM) && mkdir -p $(NPM)/swagger_ui $(NPM)/redoc
	cd $(NPM) && npm pack --silent swagger-ui-dist@$(SWAGGER_UI_VERSION) redoc@$(REDOC_VERSION)
	tar -xzf $(NPM)/swagger-ui-dist-$(SWAGGER_UI_VERSION).tgz -C $(NPM)/swagger_ui --strip-components=1
	tar -xzf $(NPM)/redoc-$(REDOC_VERSION).tgz -C $(NPM)/redoc --strip-components=1
	cd $(NPM)/swagger_ui && cp LICENSE NOTICE swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt \
		swagger-ui.css $(CURDIR)/$(VENDOR)/swagger_ui/
	cd $(NPM)/redoc && cp LICENSE bundles/redoc.standalone.js.LICENSE.txt $(CURDIR)/$(VENDOR)/redoc/
	sed 's#"https://cdn.redoc.ly/redoc/logo-mini.svg"#"data:,"#' \
		$(NPM)/redoc/bundles/redoc.standalone.js > $(VENDOR)/redoc/redoc.standalone.js
	! grep -q cdn.redoc.ly $(VENDOR)/redoc/redoc.standalone.js

run: install catalogs
	$(BIN)/tandem serve --demo

# The whole suite on SQLite and, side by side, on PostgreSQL when a server answers (or
# TANDEM_TEST_POSTGRES_URL names one); each run's output is printed when it ends. The wheel's
# test (tests/packaging: build, install in a fresh virtual environment, migrate, serve the demo)
# runs in the SQLite run only, since it uses no database of the suite's; the scale-out test
# (tests/workers: separate web and worker processes, one killed) in the PostgreSQL run only,
# since scaling out is a PostgreSQL deployment's.
test: install chromium catalogs
	$(MAKE) -j2 --output-sync=target test-sqlite test-postgres

# The browser tests (tests/ui) drive Debian's chromium through Playwright; never a downloaded
# browser. Installed only when missing (CI runs as root).
chromium:
	test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

test-sqlite: install catalogs
	env -u TANDEM_TEST_POSTGRES_URL $(BIN)/pytest --ignore=tests/workers

test-postgres: install catalogs
	@url="$${TANDEM_TEST_POSTGRES_URL:-$(POSTGRES_URL)}"; \
	if $(BIN)/python -c "import psycopg, sys; psycopg.connect(sys.argv[1].replace('+psycopg', ''), connect_timeout=3).close()" "$$url" 2>/dev/null; then \
		echo "== PostgreSQL: $$url"; TANDEM_TEST_POSTGRES_URL="$$url" $(BIN)/pytest --ignore=tests/ui --ignore=tests/packaging; \
	else \
		echo "== PostgreSQL not reachable at $$url: suite ran on SQLite only"; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
