# koordination: developer tasks. `make test` is what CI runs (through .ci/run).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= .demo/demostadt.sqlite3

.PHONY: venv demo test test-lowest lint readers pytest test-unit snapshots fuzz-deep mutants mutants-sample bench clean \
	migration

# The suite runs against a real PostgreSQL server, checks calendars with ical.js, documents
# with LibreOffice and the published offer pages with headless Chromium: without them it fails
# with a German message saying how to get them. =0 checks without (never in CI).
export KOORDINATION_REQUIRE_POSTGRES ?= 1
export KOORDINATION_REQUIRE_READERS ?= 1
export KOORDINATION_REQUIRE_LIBREOFFICE ?= 1
export KOORDINATION_REQUIRE_BROWSER ?= 1

venv: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependencies may have changed. uv (from PyPI into the venv) installs
# the same packages as pip does, compiled to bytecode as pip does it (every start reads them),
# in well under half the time: a fresh checkout 13 s instead of 33 s. Where uv cannot be had,
# pip installs them alone.
$(STAMP): pyproject.toml | $(BIN)/python
	{ $(BIN)/python -m pip install --quiet uv && \
		$(BIN)/uv pip install --compile-bytecode --python $(BIN)/python -e ".[test]"; } || \
		$(BIN)/python -m pip install -e ".[test]"
	touch $@

demo: venv
	mkdir -p $(dir $(DEMO_DB))
	$(BIN)/koordination --db $(DEMO_DB) demo --force
	$(BIN)/koordination --db $(DEMO_DB)

# The architecture is checked as well: the import contracts in pyproject.toml ([tool.importlinter]).
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# ical.js (Thunderbird's iCalendar parser) for the cross-reader calendar tests; reinstalled only
# when the lock file changed. The suite needs it (and a PostgreSQL server): never a silent skip.
READERS := tests/readers
readers:
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "npm fehlt: die Kalender werden mit ical.js (Thunderbird) gegengelesen. Bitte Node.js" \
			"und npm installieren (Debian/Ubuntu: sudo apt-get install nodejs npm) oder .ci/run" \
			"ausführen, das alles einrichtet. Ohne diese Prüfung: make test" \
			"KOORDINATION_REQUIRE_READERS=0" >&2; \
		[ "$(KOORDINATION_REQUIRE_READERS)" = "0" ]; \
	elif [ ! -f $(READERS)/node_modules/.package-lock.json ] || \
		[ $(READERS)/package-lock.json -nt $(READERS)/node_modules/.package-lock.json ]; then \
		npm ci --prefix $(READERS) --no-audit --no-fund; \
	fi

# Everything CI checks, then how long it took (a slow suite is a bug: the target is 6 minutes).
test:
	@start=$$(date +%s); status=0; \
	$(MAKE) --no-print-directory venv lint readers pytest || status=$$?; \
	echo "Testlauf: $$(( $$(date +%s) - start )) s"; \
	exit $$status

# The tests live by cost: unit/ (seconds), service/, cli/, e2e/, tui/. The TUI and server tests
# spend half their time waiting (screens settling, servers answering), so four workers share the
# two cores of a small machine; idle workers take tests from busy ones (worksteal), so no long
# file is left alone at the end. Measured on a third of the suite (71 files, 2 cores): on a quiet
# machine -n 4 and -n 3 as fast (114-122 s; -n 3 with 8 % less CPU), -n 2 a fifth slower
# (142-145 s), --dist load a third (160 s); with other programs running -n 3 took 159 s where
# -n 4 took 139 s (the workers' waits are filled by each other). Compiled modules are cached
# (__pycache__, ignored by git) even where the environment says PYTHONDONTWRITEBYTECODE: else each
# worker and each program the tests start compiles every module it imports from source again
# (collecting the suite: 10 s of CPU per worker instead of 4).
pytest: venv
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -q -n 4 --dist worksteal

test-unit: venv
	$(BIN)/pytest -q -x tests/unit

# Draw the screens' pictures (tests/tui/snapshots/, every area and dialog at 80x24 and 120x40)
# and the README's (docs/*.svg, 100x30) anew after a deliberate change to the interface; look at
# them (git diff --stat, any SVG viewer) before committing.
snapshots: venv
	KOORDINATION_SNAPSHOTS=update $(BIN)/pytest -q -n 2 --dist loadfile -p no:randomly tests/tui/test_snapshots_*.py

# The scheduled deep run of every property test (tests/support/policy.py): new random examples
# each time, twenty times the budget, failures shrunk to the smallest example.
fuzz-deep: venv readers
	KOORDINATION_FUZZ_RANDOM=1 KOORDINATION_FUZZ_SCALE=20 $(BIN)/pytest -q -n auto --dist loadfile \
		tests/unit tests/service

# Mutation testing of the modules that hold the trust rules ([tool.mutmut] in pyproject.toml):
# every mutant, killed/survived per module (long: tens of minutes). CI runs a tenth of them.
mutants: venv
	rm -rf mutants
	$(BIN)/python tests/mutants/report.py

mutants-sample: venv
	rm -rf mutants
	$(BIN)/python tests/mutants/report.py --sample

# A new migration from the models: upgrade a scratch database to head, then autogenerate.
migration: venv
	@test -n "$(m)" || (echo 'Aufruf: make migration m="was sich ändert"' && exit 2)
	mkdir -p .demo && rm -f .demo/migration-base.sqlite3
	$(BIN)/koordination --db .demo/migration-base.sqlite3 db upgrade
	$(BIN)/alembic revision --autogenerate -m "$(m)" \
		--rev-id $$(printf '%04d' $$(( $$(ls schema/versions | grep -c '^[0-9]') + 1 )))

bench: venv
	$(BIN)/python -m benchmarks

clean:
	rm -rf .demo .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

# The declared minimum versions really work: a venv of its own with every direct dependency at
# the lowest version pyproject.toml allows, running the suite's fast part (about two minutes).
# The venv is synced to exactly that set, so a package upgraded there earlier cannot hide a floor
# that is too low. uv comes from PyPI into the project's venv.
LOWEST := .venv-lowest
test-lowest: venv
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv venv --quiet --allow-existing --python $(BIN)/python $(LOWEST)
	$(BIN)/uv pip compile --quiet --python $(LOWEST)/bin/python --resolution lowest-direct \
		--extra test pyproject.toml -o $(LOWEST)/requirements.txt
	$(BIN)/uv pip sync --quiet --python $(LOWEST)/bin/python $(LOWEST)/requirements.txt
	$(BIN)/uv pip install --quiet --python $(LOWEST)/bin/python --no-deps -e .
	$(LOWEST)/bin/python -m pytest -q -p no:randomly -n 2 tests/unit \
		tests/service/test_migrations.py tests/service/test_directory.py \
		tests/service/test_csv_import.py tests/service/test_unreadable_imports.py \
		tests/service/test_concurrent_writers.py
