# Two commands on a fresh machine: `make report` and `make test`.
# Each sets up .venv by itself (Python >= 3.11 and make are all it needs).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report data test test-update validate lint mutation bench-world clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# This month's report from the shipped datasets, into reports/YYYY-MM/.
report: $(STAMP)
	$(BIN)/tracker report --month $$(date +%Y-%m)

# Rebuild the shipped official series (the panels, the exchange rates and their sources)
# from the raw files listed in datasets/raw/MANIFEST.csv: the same bytes as committed.
data: $(STAMP)
	$(BIN)/python -m tracker.importers.rebuild datasets

validate: $(STAMP)
	$(BIN)/tracker validate

lint: $(STAMP)
	$(BIN)/ruff check tracker tests benchmarks tools

# Every test, the docstring examples as doctests, and the notebook.
test: $(STAMP) validate lint
	$(BIN)/python -m pytest -q

# Rewrite the golden files of rendered outputs (tests/__snapshots__/) on purpose, then
# read the diff before committing it.
test-update: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_golden.py --snapshot-update

# Mutation testing of tracker/core and tracker/analysis (slow, about two and a half
# hours on two cores: not part of `make test`); writes MUTATION.md with the score and
# every surviving mutant. `mutmut run` exits 0 whatever survives and 1 only when it
# cannot test (a failing clean run, stats that cannot be collected); the report exits 1
# when a survivor has no reason in tools/mutation_notes.toml (MUTATION.md is written all
# the same).
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,mutation]'
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/python tools/mutation_report.py > MUTATION.md

# The monthly commands on a 25-million-row world panel against a plain DuckDB query, then
# two releases of a 25-million-row IMF file imported one after the other, then one goal's
# chart drawn four ways (slow: minutes; not part of `make test`). Add
# ARGS="--countries 30" for a quick run.
bench-world: $(STAMP)
	$(BIN)/python benchmarks/world_scale.py $(ARGS)
	$(BIN)/python benchmarks/import_imf.py $(ARGS)
	$(BIN)/python benchmarks/charts.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis mutants
