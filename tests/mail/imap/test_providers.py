"""The providers' table (services.mail.imap.providers, resources/mail_providers.json): the
settings found from an address's domain."""

from __future__ import annotations

import dataclasses

import pytest

from services.mail.headers import host_problem
from services.mail.imap.providers import Provider, all_providers, provider_for


@pytest.mark.parametrize(("address", "name", "imap", "smtp"), [
    ("zoe@gmail.com", "Gmail", ("imap.gmail.com", 993, "tls"),
     ("smtp.gmail.com", 587, "starttls")),
    ("zoe@googlemail.com", "Gmail", ("imap.gmail.com", 993, "tls"),
     ("smtp.gmail.com", 587, "starttls")),
    ("zoe@outlook.com", "Outlook.com", ("outlook.office365.com", 993, "tls"),
     ("smtp-mail.outlook.com", 587, "starttls")),
    ("zoe@hotmail.com", "Outlook.com", ("outlook.office365.com", 993, "tls"),
     ("smtp-mail.outlook.com", 587, "starttls")),
    ("zoe@live.com", "Outlook.com", ("outlook.office365.com", 993, "tls"),
     ("smtp-mail.outlook.com", 587, "starttls")),
    ("zoe@yahoo.com", "Yahoo Mail", ("imap.mail.yahoo.com", 993, "tls"),
     ("smtp.mail.yahoo.com", 465, "tls")),
    ("zoe@icloud.com", "iCloud Mail", ("imap.mail.me.com", 993, "tls"),
     ("smtp.mail.me.com", 587, "starttls")),
    ("zoe@me.com", "iCloud Mail", ("imap.mail.me.com", 993, "tls"),
     ("smtp.mail.me.com", 587, "starttls")),
    ("zoe@mac.com", "iCloud Mail", ("imap.mail.me.com", 993, "tls"),
     ("smtp.mail.me.com", 587, "starttls")),
    ("zoe@fastmail.com", "Fastmail", ("imap.fastmail.com", 993, "tls"),
     ("smtp.fastmail.com", 465, "tls")),
    ("zoe@gmx.de", "GMX", ("imap.gmx.net", 993, "tls"), ("mail.gmx.net", 587, "starttls")),
    ("zoe@gmx.net", "GMX", ("imap.gmx.net", 993, "tls"), ("mail.gmx.net", 587, "starttls")),
    ("zoe@gmx.com", "GMX.com", ("imap.gmx.com", 993, "tls"),
     ("mail.gmx.com", 587, "starttls")),
    ("zoe@web.de", "WEB.DE", ("imap.web.de", 993, "tls"), ("smtp.web.de", 587, "starttls")),
    ("zoe@posteo.de", "Posteo", ("posteo.de", 993, "tls"), ("posteo.de", 587, "starttls")),
    ("zoe@posteo.net", "Posteo", ("posteo.de", 993, "tls"), ("posteo.de", 587, "starttls")),
    ("zoe@mailbox.org", "mailbox.org", ("imap.mailbox.org", 993, "tls"),
     ("smtp.mailbox.org", 465, "tls")),
])
def test_each_providers_settings_come_from_the_domain(address, name, imap, smtp):
    provider = provider_for(address)
    assert provider is not None and provider.name == name
    assert (provider.imap_host, provider.imap_port, provider.imap_security) == imap
    assert (provider.smtp_host, provider.smtp_port, provider.smtp_security) == smtp


def test_the_domain_is_read_without_regard_to_case_or_spaces():
    assert provider_for("  Zoe.Durand@GMail.COM ").name == "Gmail"
    assert provider_for("zoe@web.de.").name == "WEB.DE"


@pytest.mark.parametrize("address", [
    "zoe@example.com", "zoe@mail.gmail.com", "zoe@gmail.co", "gmail.com", "@gmail.com", "",
    "zoe@", "zoe@notgmail.com",
])
def test_other_domains_and_non_addresses_have_no_provider(address):
    assert provider_for(address) is None


def test_only_gmail_keeps_its_own_sent_copy():
    assert [p.name for p in all_providers() if p.keeps_sent_copy] == ["Gmail"]


def test_app_passwords_are_noted_where_providers_want_them():
    wanting = {p.name for p in all_providers() if p.app_password}
    assert wanting == {"Gmail", "Yahoo Mail", "iCloud Mail", "Fastmail"}
    for provider in all_providers():
        if provider.app_password:
            assert "app password" in provider.note or "app-specific password" in provider.note
    assert "two-step verification" in provider_for("zoe@outlook.com").note
    assert "app password" in provider_for("zoe@outlook.com").note


def test_the_table_is_sound():
    seen: set[str] = set()
    for provider in all_providers():
        assert dataclasses.is_dataclass(provider) and isinstance(provider, Provider)
        assert not set(provider.domains) & seen, provider.name
        seen |= set(provider.domains)
        for host, port, security in (
                (provider.imap_host, provider.imap_port, provider.imap_security),
                (provider.smtp_host, provider.smtp_port, provider.smtp_security)):
            assert host_problem(host, allow_ip=False) is None
            assert 1 <= port <= 65535 and security in ("tls", "starttls")
        assert provider.note == "" or provider.note.endswith(".")
    with pytest.raises(dataclasses.FrozenInstanceError):
        provider_for("zoe@gmail.com").imap_port = 143  # type: ignore[misc]
