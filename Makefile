# The two commands: `make site` builds the site into site/, `make test` runs every test.
# Both install what they need into .venv (and, for tests, the Docker Engine and browser).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.confkb-installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test install validate serve smoke links engine clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

validate: $(STAMP)
	$(VENV)/bin/confkb validate

site: $(STAMP)
	$(VENV)/bin/confkb validate
	$(VENV)/bin/mkdocs build --strict

serve: $(STAMP)
	$(VENV)/bin/mkdocs serve

engine:
	scripts/engine-up

smoke: $(STAMP) engine
	scripts/smoke-snippets

links: site
	scripts/check-links

test: $(STAMP)
	scripts/test

clean:
	rm -rf site .confkb
