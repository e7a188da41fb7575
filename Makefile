# Orderport: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)

.PHONY: help demo test check lint typecheck unit bench servers clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip install -q -p $(BIN)/python -e '.[dev,airflow]'
	@rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP) ## run the whole job on the sample files (SQLite + local folders) and show what happened
	$(BIN)/orderport demo

servers: ## install/start what the integration tests need (PostgreSQL)
	@bash .ci/ensure-servers

lint: $(STAMP) ## ruff + mypy (strict on src/)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(STAMP) servers lint ## install everything, start the servers, lint, and run the whole suite
	$(BIN)/pytest -n 2 --dist loadfile

bench: $(STAMP) servers ## the benchmark table (bench/README.md); SIZE=10k|100k|1m
	$(BIN)/python -m bench --size $(or $(SIZE),10k)

clean: ## remove the virtualenv, caches and the demo's data
	rm -rf $(VENV) orderport-data .pytest_cache .mypy_cache .ruff_cache .hypothesis
