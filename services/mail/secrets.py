"""The OS keyring: which backend is in use and whether it can keep a password.

The SMTP password lives only here. There is deliberately no fallback that
writes it anywhere else: backends that keep passwords in a file on disk, in
the clear or under a key stored beside them (the ``keyrings.alt`` file
family), are refused like the ``fail`` and ``null`` backends.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

SERVICE_NAME = "NextSteps"

#: Modules of backends that keep passwords in a file (``keyrings.alt``), refused whole.
FILE_BACKEND_MODULES = (
    "keyrings.alt.file",
    "keyrings.alt.file_base",
    "keyrings.alt.pyfs",
    "keyrings.alt.escrow",
)
#: Single file-backed classes in modules that also hold other backends.
FILE_BACKEND_CLASSES = ("keyrings.alt.Windows.EncryptedKeyring",)

_NO_KEYRING = (
    "No system keyring is available, so Next Steps cannot keep an email password. "
    "Install and unlock one (GNOME Keyring, KWallet, macOS Keychain or Windows "
    "Credential Manager); mail can still be sent through your mail app."
)


@dataclass(frozen=True)
class KeyringStatus:
    """Whether a usable keyring backend exists, its name, and a sentence for the user.

    ``kind`` says why a backend is refused: ``unavailable`` (no keyring),
    ``disabled`` (the ``null`` backend) or ``insecure`` (a file on disk); empty
    when it is usable.
    """

    usable: bool
    backend: str
    message: str
    kind: str = ""


def keyring_status() -> KeyringStatus:
    """Inspect the active keyring backend without storing anything."""
    # keyring: loaded when the keyring is first asked (finding its backends takes time).
    import keyring

    return backend_status(keyring.get_keyring())


def backend_status(backend) -> KeyringStatus:
    """Whether ``backend`` (a keyring backend object) may keep the email password."""
    # keyring: loaded when the keyring is first asked (finding its backends takes time).
    from keyring.backends import chainer, fail, null

    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring):
        return KeyringStatus(False, name, _NO_KEYRING, "unavailable")
    if isinstance(backend, null.Keyring):
        return KeyringStatus(
            False,
            name,
            "The keyring is switched off (the 'null' backend), so passwords would be "
            "forgotten. Choose a real keyring backend; mail can still go through your mail app.",
            "disabled",
        )
    if stores_in_a_file(backend):
        return KeyringStatus(
            False,
            name,
            f"The keyring in use ({name}) keeps passwords in a file on disk that anyone who "
            "can read your files could decode, so Next Steps will not put your email password "
            "there. Install and unlock a system keyring (GNOME Keyring, KWallet, macOS Keychain "
            "or Windows Credential Manager); mail can still be sent through your mail app.",
            "insecure",
        )
    if isinstance(backend, chainer.ChainerBackend):
        refused = [backend_status(chained) for chained in backend.backends]
        if all(not status.usable for status in refused):
            first = refused[0] if refused else KeyringStatus(False, name, _NO_KEYRING,
                                                             "unavailable")
            return KeyringStatus(False, name, first.message, first.kind)
    return KeyringStatus(True, name, f"Passwords are kept by {name}.")


def stores_in_a_file(backend) -> bool:
    """True for a backend of the ``keyrings.alt`` file family (by module or class, or as a
    subclass of its file base), and for a wrapper around one."""
    kind = type(backend)
    if kind.__module__ in FILE_BACKEND_MODULES:
        return True
    if f"{kind.__module__}.{kind.__name__}" in FILE_BACKEND_CLASSES:
        return True
    # Loaded only if a backend built on it exists: checking never imports keyrings.alt.
    file_base = sys.modules.get("keyrings.alt.file_base")
    if file_base is not None and isinstance(backend, file_base.FileBacked | file_base.Keyring):
        return True
    wrapped = getattr(backend, "_keyring", None)  # keyrings.alt.multi wraps another backend
    return kind.__module__ == "keyrings.alt.multi" and wrapped is not None and (
        stores_in_a_file(wrapped))
