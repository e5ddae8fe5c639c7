# A fresh machine needs only Python 3.11+: the first `make run` or `make test`
# builds .venv and later runs reuse it (rebuilt when pyproject.toml changes).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint typecheck bench soak clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/trtc-chatops

lint: $(STAMP)
	$(BIN)/ruff check bot commands tests bench
	$(BIN)/ruff format --check bot commands tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest -q

# Everything but the tests that start the bot or the simulator as processes.
test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not slow"

bench: $(STAMP)
	for b in client_throughput authz pipeline ack_latency quality callbacks; do \
		$(BIN)/python bench/$$b.py || exit 1; done

# Two replicas on a throw-away PostgreSQL server (started and stopped here, as in
# .ci/run), 10,000 Slack requests and a SIGKILL; ~20 minutes at most, so not part of
# `test` or `bench`. Options go in SOAK_ARGS, e.g. make soak SOAK_ARGS='--requests 1000'.
soak: $(STAMP)
	pg_env=$$(scripts/postgres.sh start) && eval "$$pg_env" && \
		trap 'scripts/postgres.sh stop' EXIT && $(BIN)/python bench/soak.py $(SOAK_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
