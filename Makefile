# Next Steps — see README.md for what each target does.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
ARGS   ?=

RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

# Tests never see the user's display, keyring or data.
TEST_ENV := env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS \
	QT_QPA_PLATFORM=offscreen PYTHONDONTWRITEBYTECODE=1

.PHONY: run test test-offscreen test-xvfb lint bench screenshots system-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(PY) main.py $(ARGS)

system-deps:
	@sh tools/system-deps.sh

lint: $(TEST_STAMP)
	$(PY) -m ruff check .

test-offscreen: system-deps $(TEST_STAMP)
	$(TEST_ENV) $(PY) -m pytest -m "not xvfb" $(PYTEST_ARGS)

test-xvfb: system-deps $(TEST_STAMP)
	$(TEST_ENV) QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- \
		$(PY) -m pytest -m xvfb $(PYTEST_ARGS)

test: lint test-offscreen test-xvfb

bench: system-deps $(TEST_STAMP)
	env -u DISPLAY QT_QPA_PLATFORM=offscreen $(PY) benchmarks/run.py $(ARGS)

screenshots: system-deps $(TEST_STAMP)
	env -u DISPLAY QT_QPA_PLATFORM=offscreen $(PY) tools/screenshots.py

clean:
	rm -rf build dist .pytest_cache .ruff_cache
