# Two commands on a fresh machine: `make report` and `make test`.
# Each sets up .venv by itself (Python >= 3.11 and make are all it needs).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test validate lint clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# This month's report from the shipped datasets, into reports/YYYY-MM/.
report: $(STAMP)
	$(BIN)/tracker report --month $$(date +%Y-%m)

validate: $(STAMP)
	$(BIN)/tracker validate

lint: $(STAMP)
	$(BIN)/ruff check tracker tests benchmarks

test: $(STAMP) validate lint
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
