# EEC Business One-Stop. Two commands for a new machine: `make run` and `make test`.
# Every target installs what is missing first, so neither needs a set-up step of its own.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCALE_DIR := web/locale
PO := $(wildcard $(LOCALE_DIR)/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

# The chatbot (chatbot/) runs Rasa 3.6, which needs Python 3.10: its own venv, .venv-rasa.
PYTHON310 ?= $(shell command -v pyenv >/dev/null 2>&1 && PYENV_VERSION=$$(pyenv versions --bare | grep -E '^3\.10' | tail -1) pyenv which python3.10 2>/dev/null || command -v python3.10)
RASA_VENV := .venv-rasa
RASA_STAMP := $(RASA_VENV)/.installed
# pythainlp keeps its data in the project, never in ~/pythainlp-data.
CHATBOT_ENV := PYTHAINLP_DATA=$(CURDIR)/var/pythainlp RASA_TELEMETRY_ENABLED=false RASA_CACHE_DIRECTORY=$(CURDIR)/var/rasa-cache

.PHONY: run test bench install catalogs migrate extract translations clean help
.PHONY: rasa-env chatbot-model chatbot-test

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

run: install catalogs chatbot-model
	$(PY) -m web.launch

test: install catalogs rasa-env chatbot-model
	$(PY) -m pytest

bench: install catalogs
	$(PY) -m bench

$(RASA_STAMP): chatbot/requirements.txt
	@test -n "$(PYTHON310)" || { echo "The chatbot needs Python 3.10 (pyenv install 3.10, or apt-get install python3.10-venv)"; exit 1; }
	@test -x $(RASA_VENV)/bin/python || $(PYTHON310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(RASA_VENV)/bin/python -m pip install --quiet -r chatbot/requirements.txt
	@mkdir -p var/pythainlp
	@touch $@

rasa-env: $(RASA_STAMP)

# Trains only when config, domain, data or the tokenizer changed (chatbot/train_if_changed.py).
chatbot-model: rasa-env
	$(CHATBOT_ENV) $(RASA_VENV)/bin/python chatbot/train_if_changed.py

# The chatbot's tests alone (they are part of `make test` too).
chatbot-test: install rasa-env chatbot-model
	$(PY) -m pytest tests/chatbot

# For developers adding messages: extract, then merge into both catalogs.
extract: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -o $(LOCALE_DIR)/messages.pot \
	  --no-location --sort-output --project "EEC Business One-Stop" core flows web registration bizportal eec_bridge chatbot complaints notifications mail

translations: extract
	$(VENV)/bin/pybabel update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) -D messages --no-fuzzy-matching

clean:
	rm -rf $(VENV) var $(MO)
