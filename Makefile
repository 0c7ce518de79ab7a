# tiny-hops: every target sets up what it needs first and can be run again safely.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
SOLC_VER  := 0.8.37
RUN       := .run
export SOLCX_BINARY_PATH := $(CURDIR)/.solcx
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export HYPOTHESIS_PROFILE ?= default

.PHONY: help setup demo test test-unit test-fork bench chain stop node compile clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -c constraints.txt -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.solcx/solc-v$(SOLC_VER): tools/solc.js node_modules/.installed
	mkdir -p .solcx
	ln -sf ../tools/solc.js $@
	@$@ --version | grep -q "$(SOLC_VER)+commit" || { echo "npm solc is not $(SOLC_VER): update SOLC_VER and ape-config.yaml together"; exit 1; }

setup: $(VENV)/.installed node_modules/.installed .solcx/solc-v$(SOLC_VER) ## install everything (virtualenv, npm packages, compiler link)

compile: setup ## compile the contracts
	ape compile

demo: setup ## run the main job end to end on a local chain and node
	bash tools/demo.sh

test: setup ## run every test suite
	bash tools/test.sh

test-unit: setup ## the local-chain suites only (no fork, no slither)
	ape test tests --network ethereum:local:foundry -p no:cacheprovider --ignore tests/fork

test-fork: setup ## the property suite on a fork of a freshly deployed devnet
	bash tools/test-fork.sh

bench: setup ## gas and speed figures
	bash tools/bench.sh

chain: setup ## start the persistent local chain (anvil, state kept in .run/)
	bash tools/services.sh start-chain

node: setup ## start the local Lilypad node in the background
	bash tools/services.sh start-node

stop: ## stop everything started in the background (by pid file)
	bash tools/services.sh stop

clean: stop ## remove build outputs (keeps the virtualenv, node_modules and ~/.tiny-hops)
	rm -rf .build .run .hypothesis .pytest_cache crytic-export
