# seo-pipeline: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
CLI := $(BIN)/seo-pipeline
STAMP := $(VENV)/.installed-runtime
TEST_STAMP := $(VENV)/.installed-test

.DEFAULT_GOAL := help
.PHONY: help install build validate links metadata analyze crosscheck report sitemaps hreflang bundles submit test lint clean \
	i18n serve translations audit validators typecheck

help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-14s %s\n", $$1, $$2}'

# Two stamps: `make build` installs what building a site needs (the runtime only);
# `make test` (or `make install`) adds the test tools on top, even after `make build`.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

install: $(TEST_STAMP) ## create .venv and install the package with the test tools

build: $(STAMP) ## run every offline stage on the bundled content
	$(CLI) build

validate: $(STAMP) ## check front matter (reports/validate.json)
	$(CLI) validate

links: $(STAMP) ## check every link; external ones over the network (reports/links.json; ARGS=...)
	$(CLI) links $(ARGS)

metadata: $(STAMP) ## head metadata and its lint (reports/metadata.json)
	$(CLI) metadata

analyze: $(STAMP) ## content analysis: keyphrase, readability, length, links (reports/analyze.json)
	$(CLI) analyze

crosscheck: $(STAMP) ## cross-article checks: cannibalization, near-duplicates, orphans (reports/crosscheck.json)
	$(CLI) crosscheck

report: $(STAMP) ## the site health report reports/index.html (after a build)
	$(CLI) report

sitemaps: $(STAMP) ## hreflang sitemaps + index into sitemap/ and the site output
	$(CLI) sitemaps

hreflang: $(STAMP) ## audit hreflang of pages and sitemaps (ARGS="--sitemap PATH" for any sitemap)
	$(CLI) hreflang $(ARGS)

bundles: $(STAMP) ## localized HTML pages and JSON bundles into dist/
	$(CLI) bundles

CATALOGS := locales

i18n: $(STAMP) ## extract UI strings, update and compile the UI catalogs (locales/, shipped as pipeline/locales)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-wrap --project=seo-pipeline \
		-o $(CATALOGS)/messages.pot .
	$(BIN)/pybabel update -i $(CATALOGS)/messages.pot -d $(CATALOGS) --no-wrap \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d $(CATALOGS) --statistics
	$(PY) -m pipeline.render.catalogs

serve: $(STAMP) ## preview on http://127.0.0.1:8000/, rebuilding and reloading on save (ARGS=--port N)
	$(CLI) serve --watch $(ARGS)

translations: $(STAMP) ## translation status per key (ARGS=--format json)
	$(CLI) translations $(ARGS)

submit: $(STAMP) ## announce new/changed URLs (dry run unless ARGS=--yes)
	$(CLI) submit $(ARGS)

test: $(TEST_STAMP) validators ## install what the tests need, type-check, and run them
	$(BIN)/mypy
	$(PY) -m pytest

validators: ## install chromium, a Java runtime and the pinned npm validators (tools/validators)
	bash scripts/ensure-validators.sh

audit: $(TEST_STAMP) validators ## Nu, Lighthouse and sitemap schemas on a built site (ARGS="--site DIR")
	$(PY) -m pipeline.audit $(ARGS)

typecheck: $(TEST_STAMP) ## mypy: strict on pipeline/core, default mode elsewhere ([tool.mypy] in pyproject.toml)
	$(BIN)/mypy

lint: $(TEST_STAMP) ## ruff
	$(BIN)/ruff check pipeline tests bench

clean: ## remove outputs and caches (not .venv)
	rm -rf dist reports sitemap .cache .pytest_cache .mypy_cache test-artifacts
