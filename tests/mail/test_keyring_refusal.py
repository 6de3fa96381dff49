"""Keyrings that keep passwords in a file (keyrings.alt) are refused like fail and null.

keyrings.alt is installed in the tests' environment (the test extra) precisely so
these tests can show that the app refuses its file backends, whatever picks them:
keyring's own choice when no Secret Service runs, PYTHON_KEYRING_BACKEND, or a
chainer of nothing else. The Makefile keeps it out of the app's environment.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib import metadata

import keyring
import pytest
from keyring.backends import SecretService, chainer, fail, null
from keyrings.alt import Windows, file, file_base

from services.mail.account import (
    Account,
    KeyringProblem,
    get_password,
    load_account,
    save_account,
    store_password,
)
from services.mail.secrets import backend_status
from tests.conftest import ROOT, subprocess_env

ACCOUNT = Account("Zoé Durand", "zoe@example.com", "smtp.example.com", 587, "starttls",
                  "zoe@example.com")
SECRET = "plaintext-canary-93d1"


class HomeMadeFileKeyring(file_base.Keyring):
    """A file backend outside keyrings.alt's modules: refused as a subclass of its base."""

    filename = "home-made.cfg"
    scheme = "none"
    version = "1"

    def encrypt(self, password, assoc=None):
        return password

    def decrypt(self, password_encrypted, assoc=None):
        return password_encrypted


def _encrypted_file_keyring():
    # Its __init__ needs pycryptodome, which is not installed; only the type matters here.
    return object.__new__(file.EncryptedKeyring)


@pytest.fixture
def use_backend():
    """Switch the keyring backend for one test (conftest puts the suite's back after)."""
    return keyring.set_keyring


@pytest.mark.parametrize("make", [
    file.PlaintextKeyring, _encrypted_file_keyring, Windows.EncryptedKeyring,
    HomeMadeFileKeyring,
], ids=["plaintext", "encrypted-file", "windows-file", "subclass"])
def test_file_backends_are_refused_with_their_own_sentence(make):
    backend = make()
    status = backend_status(backend)
    assert not status.usable
    assert status.kind == "insecure"
    assert status.backend == f"{type(backend).__module__}.{type(backend).__name__}"
    assert status.message.startswith(f"The keyring in use ({status.backend}) keeps passwords "
                                     "in a file on disk")
    assert status.message.endswith("mail can still be sent through your mail app.")


def test_fail_null_and_the_secret_service_keep_their_verdicts():
    assert backend_status(fail.Keyring()).kind == "unavailable"
    assert backend_status(null.Keyring()).kind == "disabled"
    real = backend_status(SecretService.Keyring())
    assert real.usable and real.kind == ""


def test_a_chainer_of_file_backends_only_is_refused(monkeypatch):
    from keyring import backend as keyring_backend

    monkeypatch.setattr(keyring_backend, "_limit",
                        lambda candidate: type(candidate).__module__.startswith("keyrings.alt"))
    chain = chainer.ChainerBackend()
    assert [type(b) for b in chain.backends] == [file.PlaintextKeyring]
    status = backend_status(chain)
    assert not status.usable and status.kind == "insecure"
    assert status.backend == "keyring.backends.chainer.ChainerBackend"

    monkeypatch.setattr(keyring_backend, "_limit", lambda candidate: False)
    empty = backend_status(chainer.ChainerBackend())
    assert not empty.usable and empty.kind == "unavailable"


def test_a_chainer_with_a_real_keyring_is_usable(monkeypatch):
    from keyring import backend as keyring_backend

    monkeypatch.setattr(keyring_backend, "_limit", lambda candidate: isinstance(
        candidate, SecretService.Keyring | file.PlaintextKeyring))
    chain = chainer.ChainerBackend()
    assert {type(b) for b in chain.backends} == {SecretService.Keyring, file.PlaintextKeyring}
    assert backend_status(chain).usable


@pytest.mark.usefixtures("store")
def test_saving_with_a_plaintext_keyring_writes_nothing(use_backend, isolated_home, data_paths):
    plaintext = file.PlaintextKeyring()
    use_backend(plaintext)
    with pytest.raises(KeyringProblem) as caught:
        save_account(ACCOUNT, SECRET)
    assert caught.value.kind == "insecure"
    assert load_account() == ACCOUNT  # the other fields are kept
    with pytest.raises(KeyringProblem):
        store_password(ACCOUNT, SECRET)
    with pytest.raises(KeyringProblem):
        get_password(ACCOUNT)
    assert not (isolated_home / ".local/share/python_keyring").exists()
    for root in (isolated_home, data_paths.root):
        for path in root.rglob("*"):
            if path.is_file():
                assert SECRET.encode() not in path.read_bytes(), path


@pytest.mark.usefixtures("store")
def test_the_self_test_fails_for_a_file_keyring(use_backend, data_paths):
    from services.core.selftest import data_checks

    use_backend(file.PlaintextKeyring())
    [line] = [check.line() for check in data_checks(data_paths) if check.name == "keyring"]
    assert line.startswith("FAIL keyring: keyrings.alt.file.PlaintextKeyring: The keyring in "
                           "use (keyrings.alt.file.PlaintextKeyring) keeps passwords in a file")


def test_the_self_test_fails_when_keyring_falls_back_to_the_plaintext_file(tmp_path):
    """The issue's case: no Secret Service, nothing named, keyrings.alt installed."""
    env = subprocess_env()
    for name in ("PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(tmp_path / "d"), "--self-test"],
        capture_output=True, text=True, timeout=60, env=env, cwd=ROOT,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL keyring: keyrings.alt.file.PlaintextKeyring: The keyring in use" in result.stdout
    assert "ok   keyring" not in result.stdout


# -- the environments: test-only packages stay out of the app's .venv ---------------------------


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _runtime_closure(names: list[str]) -> set[str]:
    """The runtime dependencies and everything they require (on this platform)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for requirement in metadata.requires(name) or []:
            if "extra ==" not in requirement and _applies(requirement):
                todo.append(_name(requirement))
    return seen


def _applies(requirement: str) -> bool:
    from packaging.requirements import Requirement

    marker = Requirement(requirement).marker
    return marker is None or marker.evaluate()


def test_the_makefile_removes_exactly_the_test_only_packages_from_the_app_env():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _runtime_closure([_name(r) for r in project["dependencies"]])
    package = {_name(r) for r in project["optional-dependencies"]["package"]}
    test_only = {_name(r) for r in project["optional-dependencies"]["test"]} - runtime - package
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    listed = re.search(r"^TEST_ONLY_PACKAGES := (.+)$", makefile, re.MULTILINE).group(1).split()
    assert set(listed) == test_only
    assert "keyrings.alt" in listed


def _dry_run(target: str) -> str:
    # -n prints the commands without running them; -B as if nothing were installed yet.
    result = subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=True)
    return result.stdout


@pytest.mark.parametrize("target", ["run", "package", "install-desktop"])
def test_the_app_targets_use_the_app_env_without_the_test_extra(target):
    commands = _dry_run(target)
    assert ".[test]" not in commands and ".venv-test" not in commands
    assert ".venv/bin/python -m pip uninstall -qq --yes pytest" in commands
    assert "keyrings.alt" in commands  # removed, never installed


@pytest.mark.parametrize("target", ["test-offscreen", "lint", "bench", "screenshots"])
def test_the_test_targets_use_their_own_env(target):
    commands = _dry_run(target)
    assert '.venv-test/bin/python -m pip install --quiet -e ".[test]"' in commands
    assert ".venv/bin/" not in commands
