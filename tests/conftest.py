"""Test isolation: a fresh data folder, home and keyring per test; offscreen Qt by default.

Qt warnings and Python warnings fail a test (see ``[tool.pytest.ini_options]``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Before the first Qt import: offscreen unless the xvfb run asked for xcb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A file-based keyring inside each test's temp home; never the user's keyring.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from models import database  # noqa: E402
from models.base import database_proxy  # noqa: E402
from services.paths import DataPaths  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Point HOME, the XDG folders and NEXTSTEPS_DATA_DIR into this test's temp folder."""
    home = tmp_path / "home"
    for sub in ("", ".local/share", ".config", ".cache", ".local/state"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    monkeypatch.setenv("NEXTSTEPS_DATA_DIR", str(tmp_path / "data"))
    yield home
    database.close()
    database_proxy.initialize(None)


@pytest.fixture
def data_paths(tmp_path) -> DataPaths:
    """The data folder of this test (empty)."""
    return DataPaths(tmp_path / "data")


@pytest.fixture
def store(data_paths):
    """An opened, empty store in this test's data folder."""
    from services.store import open_store

    opened = open_store(data_paths)
    yield opened
    opened.close()


@pytest.fixture
def demo_store(store):
    """An opened store filled with the demo job search."""
    from services import demo

    demo.fill_demo()
    return store


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for running ``main.py`` in a child process from a test."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONWARNINGS"] = "error"
    env.update(extra)
    return env
