# Hamsada: `make run` serves a demo instance, `make test` runs the whole suite.
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-pg lint fmt messages setup clean translations bench faults

# Compiled with Babel (a dependency), so running needs no system gettext.
COMPILE_TRANSLATIONS := $(BIN)/pybabel -q compile -d hamsada/locale -D django && \
	$(BIN)/pybabel -q compile -d hamsada/locale_django -D "django djangojs"

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || "$$(bin/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

translations: $(STAMP)
	$(COMPILE_TRANSLATIONS)

setup: translations
	$(BIN)/hamsada migrate --no-input -v 0
	$(BIN)/hamsada collectstatic --no-input -v 0

# The demo keeps its mail in var/outbox/, shown to the demo organiser at /dev/outbox/.
run: setup
	$(BIN)/hamsada demo
	HAMSADA_DEV_OUTBOX=1 exec $(BIN)/hamsada run --port $(PORT)

test: translations
	chromium="$$(bin/find-chromium)" && HAMSADA_CHROMIUM="$$chromium" $(BIN)/pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL; DATABASE_URL names a database the tests may
# create test_<name> beside.
test-pg: translations
	chromium="$$(bin/find-chromium)" && \
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hamsada} \
	HAMSADA_CHROMIUM="$$chromium" $(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks and fault tests: long runs on loopback that print and record figures
# in bench/results/ (PostgreSQL on 127.0.0.1:5432 for the postgresql runs).
bench: setup
	$(BIN)/python bench/run.py --backend sqlite --scenarios sign,confirm,read,spike,durability $(BENCH_ARGS)
	$(BIN)/python bench/run.py --backend postgresql $(BENCH_ARGS)

faults: setup
	$(BIN)/python bench/faults.py kill --backend sqlite
	$(BIN)/python bench/faults.py kill --backend postgresql
	$(BIN)/python bench/faults.py smtp
	$(BIN)/python bench/faults.py postgres --outage 20
	$(BIN)/python bench/faults.py two-servers
	$(BIN)/python bench/faults.py slow-clients --backend postgresql --rate 100 --seconds 30
	$(BIN)/python bench/faults.py proxy --backend postgresql --seconds 20

# Style, then the layers (pyproject.toml, docs/architecture.md), then that
# every model change has its migration.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	HAMSADA_VAR_DIR="$$(mktemp -d)" $(BIN)/hamsada makemigrations --check --dry-run -v 1

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Then a sheet per language for native speakers to review every entry
# (hamsada/locale/<lang>/review.csv; `hamsada apply-review` reads it back).
messages: $(STAMP)
	$(BIN)/hamsada makemessages -l fa -l ps --ignore=.venv --ignore=tests --no-obsolete
	$(COMPILE_TRANSLATIONS)
	$(BIN)/hamsada review-sheets

clean:
	rm -rf $(VENV) var
