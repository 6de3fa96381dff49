"""The sieve (services/mail/inbox/sifting.py): what it sets aside before matching runs."""

from __future__ import annotations

from services.mail.inbox.inbound import parse_message
from services.mail.inbox.matching import KnownApplication, match
from services.mail.inbox.sifting import Sieve
from tests.mail.inbox.inbox_data import message

KILN = KnownApplication(application_id=1, company="Kiln & Co",
                        people=(("Ben Adler", "ben.adler.kiln@gmail.com"),))
LUMEN = KnownApplication(application_id=2, company="Lumen Analytics",
                         people=(("Priya Raman", "priya.raman@lumen-analytics.com"),),
                         domains=("lumen-analytics.com",))


def test_a_known_persons_free_mail_domain_lets_no_stranger_through():
    sieve = Sieve([KILN, LUMEN])
    friend = parse_message(message(sender="Mira <mira.hoffmann@gmail.com>",
                                   message_id="<1@gmail.com>"))
    ben = parse_message(message(sender="Ben <ben.adler.kiln@gmail.com>",
                                message_id="<2@gmail.com>"))
    colleague = parse_message(message(sender="Tom <tom.becker@lumen-analytics.com>",
                                      message_id="<3@lumen-analytics.com>"))
    assert not sieve.could_match(friend)
    assert match(friend, [KILN, LUMEN]).application_ids == ()
    assert sieve.could_match(ben) and match(ben, [KILN, LUMEN]).application_ids == (1,)
    assert sieve.could_match(colleague)
    assert match(colleague, [KILN, LUMEN]).application_ids == (2,)
