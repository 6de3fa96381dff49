# Next Steps — see README.md for what each target does.
PYTHON ?= python3
# The app's environment (make run, package, install-desktop): runtime dependencies only.
VENV   := .venv
PY     := $(VENV)/bin/python
# The tests' environment (make test, lint, bench, screenshots), with the test extra: its
# packages (keyrings.alt's file keyrings above all) never reach the app's environment.
TEST_VENV := .venv-test
TEST_PY   := $(TEST_VENV)/bin/python
ARGS   ?=

RUN_STAMP  := $(VENV)/.installed-runtime
PACKAGE_STAMP := $(VENV)/.installed-package
TEST_STAMP := $(TEST_VENV)/.installed-test

# The test extra's packages that neither the app nor the package extra needs. An older
# make test installed them into .venv; the run stamp removes them (tests/mail/test_keyring_refusal.py
# checks this list against pyproject.toml).
TEST_ONLY_PACKAGES := pytest pytest-qt pytest-timeout hypothesis aiosmtpd trustme keyrings.alt ruff

# Tests never see the user's display, keyring or data.
TEST_ENV := env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS \
	QT_QPA_PLATFORM=offscreen PYTHONDONTWRITEBYTECODE=1

.PHONY: run test test-offscreen test-any-hour test-xvfb lint bench screenshots system-deps clean package install-desktop

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(TEST_PY):
	$(PYTHON) -m venv $(TEST_VENV)
	$(TEST_PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	$(PY) -m pip uninstall -qq --yes $(TEST_ONLY_PACKAGES)
	rm -f $(VENV)/.installed-run $(VENV)/.installed-test
	touch $@

$(TEST_STAMP): pyproject.toml | $(TEST_PY)
	$(TEST_PY) -m pip install --quiet -e ".[test]"
	touch $@

$(PACKAGE_STAMP): pyproject.toml $(RUN_STAMP)
	$(PY) -m pip install --quiet -e ".[package]"
	touch $@

run: $(RUN_STAMP)
	$(PY) main.py $(ARGS)

system-deps:
	@sh tools/system-deps.sh

lint: $(TEST_STAMP)
	$(TEST_PY) -m ruff check .
	$(TEST_PY) tools/check_sizes.py

test-offscreen: system-deps $(TEST_STAMP)
	$(TEST_ENV) $(TEST_PY) -m pytest -m "not xvfb" $(PYTEST_ARGS)

# The offscreen suite again at two other hours and zones (faketime; see tools/any_hour.py).
test-any-hour: system-deps $(TEST_STAMP)
	$(TEST_ENV) $(TEST_PY) tools/any_hour.py -- $(TEST_PY) -m pytest -m "not xvfb" -p no:cacheprovider $(PYTEST_ARGS)

test-xvfb: system-deps $(TEST_STAMP)
	$(TEST_ENV) QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- \
		$(TEST_PY) -m pytest -m xvfb $(PYTEST_ARGS)

test: lint test-offscreen test-any-hour test-xvfb

bench: system-deps $(TEST_STAMP)
	env -u DISPLAY QT_QPA_PLATFORM=offscreen $(TEST_PY) benchmarks/run.py $(ARGS)

screenshots: system-deps $(TEST_STAMP)
	env -u DISPLAY QT_QPA_PLATFORM=offscreen $(TEST_PY) tools/screenshots.py

# Builds dist/NextSteps/ with packaging/nextsteps.spec, runs its self-test (offscreen, in a
# D-Bus session with GNOME Keyring), prints sizes and start-up against python main.py.
package: system-deps $(PACKAGE_STAMP)
	$(PY) tools/package.py build $(ARGS)

# Installs the .desktop entry and icons for the current user ($XDG_DATA_HOME); Exec is the
# built dist/NextSteps/NextSteps, or .venv/bin/next-steps without a build.
install-desktop: $(RUN_STAMP)
	$(PY) tools/package.py install-desktop $(ARGS)

clean:
	rm -rf build dist .pytest_cache .ruff_cache
