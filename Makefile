SHELL := /bin/bash
.DEFAULT_GOAL := help
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
LOCAL := deploy/local

.PHONY: help install console-assets console-screenshots infra-up infra-down infra-status migrate topics up down status demo test test-unit lint

help:
	@echo "make demo | up | down | status | test | lint | install | infra-up | infra-down | console-screenshots"
	@echo "  KAFKA_BROKERS=3 (infra-up, up, demo): a 3-broker Kafka cluster on 127.0.0.1:9092,9094,9096"

install:
	@command -v uv >/dev/null 2>&1 || test -x $(UV) || python3 -m pip install --quiet --user uv
	$(UV) sync --frozen
	bash services/console/frontend/install.sh

console-assets:
	bash services/console/frontend/install.sh

infra-up:
	bash $(LOCAL)/infra.sh up

infra-down:
	bash $(LOCAL)/infra.sh down

infra-status:
	bash $(LOCAL)/infra.sh status

migrate: install
	$(UV) run --frozen lotledger-inventory migrate
	$(UV) run --frozen lotledger-traceability migrate
	$(UV) run --frozen lotledger-alerts migrate

topics: install
	source $(LOCAL)/env.sh && $(UV) run --frozen lotledger topics

up: install infra-up migrate topics
	bash $(LOCAL)/services.sh up

demo: up
	PYTHONPATH=bench $(UV) run --frozen python -m demo.warehouse_day $(DEMO_ARGS)

down:
	bash $(LOCAL)/services.sh down
	bash $(LOCAL)/infra.sh down

status:
	bash $(LOCAL)/infra.sh status
	bash $(LOCAL)/services.sh status

test: install infra-up
	$(UV) run --frozen pytest

console-screenshots: install infra-up
	LOTLEDGER_CONSOLE_SCREENSHOTS=$(CURDIR)/docs/console $(UV) run --frozen pytest tests/e2e/console -q

test-unit: install
	$(UV) run --frozen pytest tests/unit

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy shared/src shared/verify/src services/inventory/src services/traceability/src services/alerts/src services/console/src tests examples demo bench/lotledger_bench bench/tests

.PHONY: bench
bench: install infra-up
	PYTHONPATH=bench $(UV) run --frozen python -m lotledger_bench $(BENCH_ARGS)
