"""Finding 9: notification email says nothing about the assembly or its votes unless the
assembly chooses details; a newline in a question cannot break sending; allauth never
emails an address that has no account."""

from django.core import mail

from assembly import notifications, privacy
from assembly.models import Notification
from tests.conftest import client_for
from tests.decisions.conftest import open_vote

QUESTION = "Raid watch at Lincoln High?\nBcc: everyone@evil.example"


def test_emails_are_content_free_by_default(cast):
    open_vote(cast, question=QUESTION)
    sent, failed = notifications.send_pending()
    assert (sent, failed) == (3, 0)
    for message in mail.outbox:
        text = message.subject + message.body
        assert "Raid" not in text and "Lincoln" not in text
        assert "Eastside" not in text and "eastside" not in text
        assert "1 new notification" in message.subject
        assert "/notifications/" in message.body
    assert not Notification.objects.filter(email_pending=True).exists()


def test_details_are_an_assembly_choice_and_headers_stay_one_line(cast):
    choice = privacy.settings_for(cast.assembly)
    choice.email_details = True
    choice.save()
    open_vote(cast, question=QUESTION)
    sent, failed = notifications.send_pending()
    assert (sent, failed) == (3, 0)  # once: a BadHeaderError, retried forever
    message = mail.outbox[0]
    assert "Raid watch at Lincoln High? Bcc: everyone@evil.example" in message.subject
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "Eastside" in message.subject
    assert message.extra_headers.get("Bcc") is None and not message.bcc


def test_allauth_does_not_email_unknown_addresses(client, db):
    client.post("/accounts/password/reset/", {"email": "stranger@example.org"})
    client.post("/accounts/login/code/", {"email": "stranger@example.org"})
    assert mail.outbox == []


def test_allauth_still_emails_known_addresses(cast):
    client_for(cast, "anonymous").post("/accounts/password/reset/", {"email": "member@example.org"})
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
