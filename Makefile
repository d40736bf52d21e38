# Two commands for a fresh Linux machine with Python 3.11:
#   make run    - install into .venv when needed, then start the installation
#   make test   - install into .venv when needed, then lint (ruff) and run the tests
# The venv is rebuilt only when pyproject.toml changes (the stamp file below).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
STAMP  := $(VENV)/.installed
ARGS   ?=

.PHONY: run test lint install clean

run: $(STAMP)
	$(VENV)/bin/live run $(ARGS)

test: lint
	$(VENV)/bin/python -m pytest $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "live needs Python 3.11 (set PYTHON=/path/to/python3.11)")'
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info
