# Two commands: `make run` (the service on the embedded SQLite with the 昌黎县 2024 targets) and
# `make test` (install what the tests need, lint, type-check, run every test on SQLite and PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench install install-dev clean browser-deps pg-tools fonts screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/tracker db upgrade
	$(BIN)/tracker targets import data/changli-2024-targets.txt
	$(BIN)/tracker users ensure-admin
	$(BIN)/tracker run-all --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The browser tests drive Debian's chromium (never a downloaded browser); installed once, where missing.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium; }

# pg_dump/pg_restore for the backup-and-restore test (Debian's postgresql-client), installed where missing.
pg-tools:
	@command -v pg_dump >/dev/null 2>&1 || { $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y postgresql-client; }

# A CJK font: the PDF-layout tests draw 绩效目标表 with it, and the screenshots need legible Chinese.
fonts:
	@test -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || { $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y fonts-wqy-microhei; }

# Everything, the slow marks too (fuzz, faults, deploy); `$(BIN)/pytest -m "not fuzz and not faults and not deploy"`
# is the quick loop while working.
test: lint browser-deps pg-tools fonts
	$(BIN)/pytest -q -n 2

# docs/*.png at 1366×768 (a CJK font makes the Chinese legible in the pictures).
screenshots: install-dev browser-deps fonts
	$(BIN)/python -m tests.browser.screenshots docs

# BENCH_SCALE=small (440 and 4,400 projects, minutes), full (4,400 and 44,000) or province (4,400 and 60,000);
# BENCH_KINDS=PostgreSQL (or SQLite) for one database; writes docs/benchmarks.md
BENCH_SCALE ?= small
bench: install-dev
	BENCH_SCALE=$(BENCH_SCALE) $(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
