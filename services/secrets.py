"""The OS keyring: which backend is in use and whether it can keep a password.

The SMTP password lives only here. There is deliberately no fallback that
writes it anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

SERVICE_NAME = "NextSteps"


@dataclass(frozen=True)
class KeyringStatus:
    """Whether a usable keyring backend exists, its name, and a sentence for the user."""

    usable: bool
    backend: str
    message: str


def keyring_status() -> KeyringStatus:
    """Inspect the active keyring backend without storing anything."""
    import keyring
    from keyring.backends import fail, null

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring):
        return KeyringStatus(
            False,
            name,
            "No system keyring is available, so Next Steps cannot keep an email password. "
            "Install and unlock one (GNOME Keyring, KWallet, macOS Keychain or Windows "
            "Credential Manager); mail can still be sent through your mail app.",
        )
    if isinstance(backend, null.Keyring):
        return KeyringStatus(
            False,
            name,
            "The keyring is switched off (the 'null' backend), so passwords would be "
            "forgotten. Choose a real keyring backend; mail can still go through your mail app.",
        )
    return KeyringStatus(True, name, f"Passwords are kept by {name}.")
