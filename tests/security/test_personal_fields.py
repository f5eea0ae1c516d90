"""Personal data a resident types into any field stays out of what is published.

`RESIDENT_WRITTEN` classifies every text column (CharField/TextField) of every model a resident
writes. A new column fails `test_every_text_field_a_resident_writes_is_classified` until someone
decides what it is. The columns classified as published are then filled with an identity number,
a phone number, an e-mail address and a street address through the real operations, and every
public output (pages, the map's GeoJSON, Open311, feeds, live events, report pages, mails to
others) is searched for them.
"""

import io
import re
from datetime import date
from hashlib import sha256
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from PIL import Image

from hearings.models import Attachment, Submission
from hearings.operations import do_comment, do_submit
from hearings.uploads import do_store_upload
from ideabank import operations as ideas
from ideabank.models import Idea, IdeaPhoto, Topic
from initiatives import operations as initiatives
from initiatives.models import Initiative, Signature
from participation.accounts.forms import DeclareNameForm
from participation.accounts.models import User
from participation.contributions import moderation
from participation.contributions.models import Comment, Contribution, Report
from participation.contributions.operations import ContributionError
from tests.security.outputs import (
    live_payloads,
    mails_to_others,
    plan_page_for,
    public_pages,
    readable,
    report_pages,
)
from tests.text.identity_numbers import make_identity_number

FNR = make_identity_number(date(1985, 2, 1), individual=234)
PHONE = "412 34 567"
EMAIL = "kari.privat@example.net"
ADDRESS = "Storgata 12B, 0155 Oslo"
PERSONAL = f"Mitt fnr er {FNR}, ring {PHONE}, skriv til {EMAIL}, jeg bor i {ADDRESS}."

# What each text column is. A published column is either shown through the redacting public
# path (stored as written: PUBLISHED) or cleaned or refused when written (CLEANED).
PUBLISHED = "published, redacted for the public"
CLEANED = "published; personal data refused or removed when written"
DERIVED = "the public (redacted) copy of another column"
STAFF = "written by staff, not by the resident"
PRIVATE = "never published (staff, the person, the council's list)"
NOT_TEXT = "not free text (a choice, a code, a hash, a generated value)"

RESIDENT_WRITTEN: dict[type[models.Model], dict[str, str]] = {
    Contribution: {
        "kind": NOT_TEXT,
        "author_name": CLEANED,  # a copy of the person's name, redacted when posted
        "author_assurance": NOT_TEXT,
        "organisation_name": STAFF,  # an Organisation's name; organisations are staff-made
        "body": PUBLISHED,
        "public_html": DERIVED,
        "state": NOT_TEXT,
        "idempotency_key": NOT_TEXT,
        "rejection_reason": STAFF,
        "rejection_code": NOT_TEXT,
        "moderated_body": STAFF,
    },
    Comment: {"section": CLEANED},  # an anchor from a hidden field; anything else dropped
    Submission: {
        "reference": NOT_TEXT,
        "summary": STAFF,
        "response": STAFF,
        "text_fingerprint": NOT_TEXT,
    },
    Attachment: {
        "token": NOT_TEXT,
        "original_name": PUBLISHED,  # listed on the public submission page
        "content_type": NOT_TEXT,
        "sha256": NOT_TEXT,
        "file": NOT_TEXT,
    },
    Idea: {
        "title": PUBLISHED,
        "public_title": DERIVED,
        "address": PUBLISHED,
        "public_address": DERIVED,
        "status": NOT_TEXT,
        "answer": STAFF,
        "source": NOT_TEXT,
    },
    # The photo's file name is sent in the Content-Disposition header of the public photo.
    IdeaPhoto: {"file": NOT_TEXT, "original_name": PUBLISHED, "content_type": NOT_TEXT},
    Topic: {"name": CLEANED, "slug": NOT_TEXT},  # a free tag with personal data is refused
    Initiative: {
        "title": PUBLISHED,
        "public_title": DERIVED,
        "justification": PUBLISHED,
        "public_justification_html": DERIVED,
        "status": NOT_TEXT,
        "decision_text": STAFF,
        "decision_case_number": STAFF,
    },
    Signature: {"identity_hash": NOT_TEXT, "name": PRIVATE},
    Report: {"reason": NOT_TEXT, "text": PRIVATE},
    User: {
        "password": PRIVATE,
        "username": PRIVATE,
        "first_name": CLEANED,  # published only through author_name
        "last_name": CLEANED,
        "email": PRIVATE,
        "name": CLEANED,  # the name form refuses contact details; author_name is redacted
        "name_source": NOT_TEXT,
        "assurance_level": NOT_TEXT,
        "pid_hash": NOT_TEXT,
        "preferred_language": NOT_TEXT,
        "political_role": STAFF,
    },
}


def text_fields(model) -> set[str]:
    return {
        f.name
        for f in model._meta.local_fields
        if isinstance(f, (models.CharField, models.TextField, models.FileField))
    }


def test_every_text_field_a_resident_writes_is_classified():
    unclassified = {
        f"{model.__name__}.{name}"
        for model, classified in RESIDENT_WRITTEN.items()
        for name in text_fields(model) - set(classified)
    }
    gone = {
        f"{model.__name__}.{name}"
        for model, classified in RESIDENT_WRITTEN.items()
        for name in set(classified) - text_fields(model)
    }
    assert not unclassified, f"classify these in RESIDENT_WRITTEN: {sorted(unclassified)}"
    assert not gone, f"no longer fields: {sorted(gone)}"


def test_every_contribution_kind_is_in_the_registry():
    kinds = {m for m in Contribution.__subclasses__()}
    assert kinds <= set(RESIDENT_WRITTEN), kinds - set(RESIDENT_WRITTEN)


def leaked(text: str) -> list[str]:
    """The personal data found in `text` as a reader sees it."""
    seen = readable(text)
    digits = re.sub(r"[\s._\-]", "", seen)  # also as a file name makes it: 412_34_567
    found = []
    if FNR in digits:
        found.append("identity number")
    if PHONE.replace(" ", "") in digits:
        found.append("phone number")
    if EMAIL in seen or EMAIL.split("@")[0] in seen:
        found.append("e-mail")
    if "Storgata 12" in seen:
        found.append("address")
    return found


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 120, 40)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def world(make_user, make_hearing, settings, mailoutbox):
    """Personal data in every published column, written through the real operations."""
    settings.IDEABANK_ALLOW_FREE_TAGS = True
    settings.RATE_LIMITS = {action: {} for action in settings.RATE_LIMITS}
    # A name typed before the name form refused contact details.
    author = make_user(name=f"Kari Nordmann {PHONE}", email="kari@example.org")
    eid_author = make_user(
        name=f"Ola Nordmann {EMAIL}",
        email="ola@example.org",
        assurance_level="substantial",
        pid_hash=sha256(b"ola").hexdigest(),
        name_source="eid",
    )
    other = make_user(name="Per Leser", email="per@example.org")
    staff = make_user(name="Mona Moderator", email="mona@kommune.no", roles=["moderator"])

    hearing = make_hearing()
    page = plan_page_for(hearing)
    attachment = do_store_upload(
        author, SimpleUploadedFile(f"kvittering {FNR} {EMAIL}.png", png(), "image/png")
    )
    submission, _ = do_submit(author, hearing, PERSONAL, attachment_tokens=[attachment.token])
    first, _ = do_comment(other, hearing, "Hva mener dere?")
    comment, _ = do_comment(author, hearing, PERSONAL, parent=first, section=FNR)

    topic = Topic.objects.create(name="Trafikk", slug="trafikk", official=True)
    idea, _ = ideas.do_post_idea(
        author,
        title=f"Fartsdump {PHONE} {EMAIL}",
        body=PERSONAL,
        topics=[topic],
        lat=59.91,
        lon=10.75,
        address=PERSONAL[:255],
        photos=[SimpleUploadedFile(f"Ola {PHONE} {EMAIL}.png", png(), "image/png")],
    )
    question, _ = ideas.do_comment_on_idea(other, idea, "Hvor da?")
    idea_comment, _ = ideas.do_comment_on_idea(author, idea, PERSONAL, parent=question)

    initiative, _ = initiatives.do_start(
        eid_author,
        title=f"Gatelys ved {ADDRESS}",
        proposal=PERSONAL,
        justification=PERSONAL,
    )
    moderation.do_publish(staff, initiative)
    moderation.do_report(other, comment, "personal_data", f"Han skrev {FNR}")
    return {
        "author": author,
        "eid_author": eid_author,
        "other": other,
        "hearing": hearing,
        "page": page,
        "attachment": attachment,
        "contributions": [submission, comment, idea, idea_comment, initiative],
        "idea": idea,
        "initiative": initiative,
    }


def photo_headers(idea) -> dict[str, str]:
    outputs = {}
    for photo in idea.photos.all():
        url = reverse("ideabank:photo", args=[idea.pk, photo.pk])
        response = Client().get(url)
        assert response.status_code == HTTPStatus.OK, url
        outputs[f"{url} headers"] = " ".join(f"{k}: {v}" for k, v in response.items())
    return outputs


def test_personal_data_in_every_published_field_is_stored_as_written_but_never_published(
    world,
):
    idea = Idea.objects.get(pk=world["idea"].pk)
    initiative = Initiative.objects.get(pk=world["initiative"].pk)
    attachment = Attachment.objects.get(pk=world["attachment"].pk)
    # What the resident wrote is the case record: every PUBLISHED column holds it as written.
    written = {
        (Contribution, "body"): Contribution.objects.filter(author=world["author"])
        .values_list("body", flat=True)
        .first(),
        (Attachment, "original_name"): attachment.original_name,
        (IdeaPhoto, "original_name"): idea.photos.get().original_name,
        (Idea, "title"): idea.title,
        (Idea, "address"): idea.address,
        (Initiative, "title"): initiative.title,
        (Initiative, "justification"): initiative.justification,
    }
    published = {
        (model, name)
        for model, classified in RESIDENT_WRITTEN.items()
        for name, kind in classified.items()
        if kind == PUBLISHED
    }
    assert set(written) == published, "fill every PUBLISHED column in the world fixture"
    for (model, name), value in written.items():
        assert leaked(value), f"{model.__name__}.{name} was not filled with personal data"

    outputs = {
        **public_pages(
            hearings=[world["hearing"]],
            plan_pages=[world["page"]],
            ideas=[idea],
            initiatives=[initiative],
        ),
        **report_pages(world["other"], world["contributions"]),
        **photo_headers(idea),
        **live_payloads(),
        **mails_to_others([world["author"].email, world["eid_author"].email]),
    }
    # The outputs did show these posts (with the replacements), so the search means something.
    everything = "\n".join(outputs.values())
    assert "[telefonnummer fjernet]" in everything
    assert "[adresse fjernet]" in readable(everything)
    assert any(key.startswith("mail") for key in outputs), "the reply mails were not sent"
    leaks = {where: found for where, text in outputs.items() if (found := leaked(text))}
    assert not leaks


def test_the_cleaned_fields_hold_no_personal_data(world):
    assert all(
        not leaked(name) for name in Contribution.objects.values_list("author_name", flat=True)
    )
    assert Comment.objects.get(pk=world["contributions"][1].pk).section == ""
    assert not leaked(" ".join(Topic.objects.values_list("name", flat=True)))


def test_the_place_and_title_of_an_idea_are_published_redacted(world):
    idea = Idea.objects.get(pk=world["idea"].pk)
    assert idea.address.startswith("Mitt fnr er")
    assert not leaked(idea.public_address)
    assert "[adresse fjernet]" in idea.public_address or "[address removed]" in idea.public_address
    assert not leaked(idea.public_title)
    assert not leaked(idea.comments_discussion.title)
    assert not leaked(Initiative.objects.get(pk=world["initiative"].pk).discussion.title)


def test_an_open311_address_string_is_published_redacted(make_user, client, settings):
    settings.RATE_LIMITS = {action: {} for action in settings.RATE_LIMITS}
    Topic.objects.create(name="Veg", slug="veg", official=True)
    account = make_user(name="Bymelder", email="app@example.org")
    _client, key = ideas.do_create_open311_client("Bymelder", account)
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "veg",
            "description": "Hull i vegen ved krysset.",
            "lat": "59.91",
            "long": "10.75",
            "address_string": f"{ADDRESS}, ring {PHONE}",
            "first_name": "Kari",
            "last_name": f"Nordmann {EMAIL}",
        },
    )
    assert response.status_code == 200, response.content
    pk = response.json()[0]["service_request_id"]
    idea = Idea.objects.get(pk=pk)
    assert idea.address == f"{ADDRESS}, ring {PHONE}"
    if not idea.is_public:
        moderation.do_publish(make_user(roles=["moderator"]), idea)
    detail = client.get(f"/open311/v2/requests/{pk}.json").json()[0]
    assert detail["address"] and not leaked(detail["address"])
    page = client.get(reverse("ideabank:detail", args=[pk])).content.decode()
    assert "Kari Nordmann" in page
    assert not leaked(page)


@pytest.mark.parametrize("tag", [PHONE, EMAIL, FNR, "Storgata 12"])
def test_a_free_tag_with_personal_data_is_refused(make_user, settings, tag):
    settings.IDEABANK_ALLOW_FREE_TAGS = True
    with pytest.raises(ContributionError):
        ideas.do_post_idea(make_user(), title="Benker", body="Flere benker.", free_tags=[tag])
    assert not Topic.objects.exists()


@pytest.mark.parametrize(
    "name", [f"Kari {PHONE}", f"Kari {FNR}", f"Kari {EMAIL}", f"Kari Nordmann, {ADDRESS}"]
)
def test_the_name_form_refuses_contact_details(name):
    form = DeclareNameForm(data={"name": name})
    assert not form.is_valid()
    assert "name" in form.errors


def test_an_ordinary_name_is_published_as_written(make_user, make_hearing):
    author = make_user(name="Åse Marie Bakken-Olsen")
    submission, _ = do_submit(author, make_hearing(), "Jeg støtter planen.")
    assert submission.author_name == "Åse Marie Bakken-Olsen"
    assert DeclareNameForm(data={"name": "Åse Marie Bakken-Olsen"}).is_valid()


def test_a_comment_keeps_a_real_section_anchor(make_user, make_hearing):
    comment, _ = do_comment(make_user(), make_hearing(), "Bra.", section="kap-3.2_trafikk")
    assert comment.section == "kap-3.2_trafikk"
