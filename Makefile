# One entry point for everything. `make test` is what CI runs (.ci/run) and needs nothing
# but Python 3.11+ and network access to PyPI on a fresh machine. The project installs into
# .venv as an editable package (pyproject.toml): `make local` and `make demo` with the `local`
# extra only, everything else with `dev`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYPROJECT_SUM := $(shell cksum < pyproject.toml | cut -d' ' -f1)
LOCAL_STAMP := $(VENV)/.installed-local-$(PYPROJECT_SUM)
DEV_STAMP := $(VENV)/.installed-dev-$(PYPROJECT_SUM)

export SAM_CLI_TELEMETRY := 0
export AWS_DEFAULT_REGION ?= us-east-1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv venv-local node-modules local demo lint typecheck template-check build test test-fast pytest bench \
	events invoke-edge invoke-api clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# $(call install,EXTRA): the project, editable, with one extra. A dev install includes local.
define install
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable '.[$(1)]'
	rm -f $(VENV)/.installed-*
endef

$(LOCAL_STAMP): pyproject.toml
	$(call install,local)
	touch $@

$(DEV_STAMP): pyproject.toml
	$(call install,dev)
	touch $(LOCAL_STAMP) $@

# A dev install already holds everything `local` needs: don't downgrade it to local only.
venv-local: $(if $(wildcard $(DEV_STAMP)),$(DEV_STAMP),$(LOCAL_STAMP)) ## .venv with what make local/demo need
venv: $(DEV_STAMP) ## .venv with everything make test/bench need

# The demo page's player (hls.js), from the npm registry, exactly as package-lock.json pins it;
# no install scripts run. Re-installed when the lock changes.
NODE_STAMP := node_modules/.installed-$(shell cat package-lock.json | cksum | cut -d' ' -f1)

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

node-modules: $(NODE_STAMP) ## Install the demo page's player (hls.js) from package-lock.json

local: venv-local node-modules ## Run the whole product on this machine (no AWS account) until Ctrl-C
	$(BIN)/python -m local $(ARGS)

demo: venv-local node-modules ## Serve the demo page for the deployed stack on its loopback app origin, until Ctrl-C
	$(BIN)/python -m tools.demo $(ARGS)

lint: venv ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv ## mypy (strict) over functions, tests and tools
	$(BIN)/mypy

template-check: venv ## sam validate --lint, cfn-lint and checkov on template.yaml
	$(BIN)/sam validate --lint
	$(BIN)/cfn-lint template.yaml
	$(BIN)/checkov --file template.yaml --framework cloudformation --quiet --compact --skip-download

build: venv ## sam build (no Docker; dependencies installed for the Lambda platform)
	PYTHON=$(abspath $(BIN)/python) $(BIN)/sam build --parallel

EVENT ?= events/edge_valid_token.json
LOCAL_INVOKE := .aws-sam/local-invoke

# The edge function reads config.json from its package (no environment variables at the
# edge), so a local invoke needs a separate build that holds the TEST-ONLY config. It never
# goes near .aws-sam/build, which is what `sam deploy` uploads.
invoke-edge: venv ## sam local invoke the edge function with EVENT=events/edge_*.json (needs Docker)
	PYTHON=$(abspath $(BIN)/python) $(BIN)/sam build EdgeAuthFunction --build-dir $(LOCAL_INVOKE)
	cp tests/keys/test-only-edge-config.json $(LOCAL_INVOKE)/EdgeAuthFunction/edge_auth/config.json
	$(BIN)/sam local invoke EdgeAuthFunction --template $(LOCAL_INVOKE)/template.yaml --event $(EVENT)

invoke-api: venv ## sam local invoke the API function with EVENT=events/api_*.json ENV=env.json (needs Docker)
	PYTHON=$(abspath $(BIN)/python) $(BIN)/sam build ContentDeliveryFunction --build-dir $(LOCAL_INVOKE)
	$(BIN)/sam local invoke ContentDeliveryFunction --template $(LOCAL_INVOKE)/template.yaml \
		--event $(EVENT) $(if $(ENV),--env-vars $(ENV),)

# Two workers by default (the suite is CPU-bound); PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2

pytest: venv node-modules ## Only the pytest suite, in parallel workers (rebuilds .aws-sam when sources changed)
	$(BIN)/pytest -n $(PYTEST_WORKERS)

test: lint typecheck template-check pytest ## Everything CI runs: lint, types, template checks, all tests

# The loop while editing: what `make test` runs but the template checks and the tests marked
# slow (pyproject.toml's markers: FFmpeg, browsers, RSA-4096, hypothesis, interruption matrices).
test-fast: lint typecheck node-modules ## Lint, types and every test not marked slow (under two minutes here)
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not slow"

bench: venv ## Edge authorizer, Content Delivery API and grant check benchmarks (docs/benchmarks.md)
	status=0; $(BIN)/python bench/edge_bench.py || status=$$?; $(BIN)/python bench/api_bench.py; \
		$(BIN)/python bench/grant_check_bench.py || status=$$?; exit $$status

events: venv ## Regenerate the signed sample events in events/ from the test-only key
	$(BIN)/python -m testkit.events

clean: ## Remove build output and caches (keeps .venv)
	rm -rf .aws-sam .mypy_cache .ruff_cache .pytest_cache .hypothesis test-artifacts
