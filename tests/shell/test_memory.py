"""Memory at rest (ui/shell/memory.py): hashes without OpenSSL for the app's life, and the
C allocator's free pages given back once the workers are idle."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, subprocess_env
from ui.shell import memory, tasks


def _run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env=subprocess_env(), timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_builtin_hashes_give_the_same_digests_without_openssl():
    out = _run(
        "import sys\n"
        "from ui.shell.memory import use_builtin_hashes\n"
        "print(use_builtin_hashes())\n"
        "import hashlib, peewee\n"
        "print(sys.modules['_hashlib'] is None)\n"
        "print(hashlib.sha256(b'abc').hexdigest()[:16], hashlib.md5(b'abc').hexdigest()[:16])\n"
        "print(use_builtin_hashes())\n")
    assert out.splitlines() == ["True", "True", "ba7816bf8f01cfea 900150983cd24fb0", "False"]


def test_the_window_starts_with_builtin_hashes(tmp_path):
    """command_line.main's window path sets them up before anything imports hashlib."""
    out = _run(
        "import sys\n"
        "import ui.shell.app\n"
        "ui.shell.app.run_gui = lambda *a, **k: print(sys.modules.get('_hashlib', 'x') is None)"
        " or 0\n"
        "import command_line\n"
        f"command_line.main(['--data-dir', {str(tmp_path / 'data')!r}])\n")
    assert out == "True"


def test_free_memory_is_given_back_on_linux():
    assert memory.release_free_memory() is sys.platform.startswith("linux")


def _quiet(qtbot) -> None:
    """No worker of an earlier test still running, nor its release still pending."""
    qtbot.waitUntil(lambda: not tasks._running, timeout=10000)
    qtbot.wait(memory.TRIM_AFTER_MS + 100)


def test_free_memory_is_given_back_once_the_workers_stay_idle(qtbot, monkeypatch):
    _quiet(qtbot)
    given = []
    monkeypatch.setattr(memory, "TRIM_AFTER_MS", 20)

    def release() -> None:
        given.append(1)

    memory.release_free_memory_soon(lambda: True, release)
    memory.release_free_memory_soon(lambda: True, release)  # asked again: one release, later
    qtbot.waitUntil(lambda: given == [1], timeout=2000)
    qtbot.wait(60)
    assert given == [1]
    memory.release_free_memory_soon(lambda: False, release)  # busy again by then: nothing
    qtbot.wait(80)
    assert given == [1]


def test_a_finished_worker_asks_for_the_release(qtbot, monkeypatch):
    qtbot.waitUntil(lambda: not tasks._running, timeout=10000)
    asked = []
    monkeypatch.setattr(tasks, "release_free_memory_soon", lambda still_idle: asked.append(
        still_idle()))
    results = []
    tasks.run_in_background(lambda: 42, results.append)
    qtbot.waitUntil(lambda: results == [42], timeout=5000)
    assert asked[-1] is True  # no worker left running
