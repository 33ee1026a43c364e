# EEC Business One-Stop. Two commands for a new machine: `make run` and `make test`.
# Every target installs what is missing first, so neither needs a set-up step of its own.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCALE_DIR := web/locale
PO := $(wildcard $(LOCALE_DIR)/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test bench install catalogs migrate extract translations clean help

help:
	@echo "make run    install what is missing and start the portal (prints the URL)"
	@echo "make test   install what is missing and run every test"
	@echo "make bench  run the benchmarks (bench <name> <value> <unit>)"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

install: $(STAMP)

# Compiled catalogs are build output; the .po files are the source.
$(LOCALE_DIR)/%/LC_MESSAGES/messages.mo: $(LOCALE_DIR)/%/LC_MESSAGES/messages.po $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -d $(LOCALE_DIR) -D messages -l $*

catalogs: $(MO)

migrate: install
	$(PY) -m web.cli migrate

run: install catalogs
	$(PY) -m web.launch

test: install catalogs
	$(PY) -m pytest

bench: install catalogs
	$(PY) -m bench

# For developers adding messages: extract, then merge into both catalogs.
extract: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -o $(LOCALE_DIR)/messages.pot \
	  --no-location --sort-output --project "EEC Business One-Stop" web registration bizportal eec_bridge chatbot

translations: extract
	$(VENV)/bin/pybabel update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) -D messages --no-fuzzy-matching

clean:
	rm -rf $(VENV) var $(MO)
