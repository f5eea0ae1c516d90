"""A mail names its sender in its reader's language, from an address in no language."""

from email.header import decode_header, make_header
from email.utils import parseaddr

import pytest
from django.core import mail

from hearings.operations import do_submit


@pytest.mark.parametrize(
    ("language", "sender_name"),
    [
        ("nb", "Demo kommune – Medvirkning"),
        ("nn", "Demo kommune – Medverknad"),
        ("en", "Demo kommune – Participation"),
    ],
)
def test_a_receipt_comes_from_the_service_named_in_the_readers_language(
    make_hearing, make_user, django_capture_on_commit_callbacks, language, sender_name
):
    person = make_user(preferred_language=language)
    with django_capture_on_commit_callbacks(execute=True):
        do_submit(person, make_hearing(), "Jeg er imot.", idempotency_key=language)

    name, address = parseaddr(mail.outbox[-1].message()["From"])
    assert str(make_header(decode_header(name))) == sender_name
    assert address == "noreply@medvirkning.example"
    assert "ikkje" not in address
