from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from hearings.models import Attachment, IdentityLevel, Submission
from hearings.operations import do_submit
from participation.accounts.models import AssuranceLevel, Membership, Organisation
from participation.contributions.models import ModerationMode
from participation.contributions.operations import ContributionError
from tests.conftest import PASSWORD

# A valid fødselsnummer (both mod-11 check digits hold), as residents paste them.
FNR = "15038510190"


def valid_fnr():
    from participation.text.redact import is_identity_number

    assert is_identity_number(FNR)
    return FNR


def submit_url(hearing):
    return reverse("hearings:submit", args=[hearing.pk])


def post(client, hearing, action, follow=False, **data):
    payload = {"body": "Jeg er imot planen.", "idempotency_key": "k1", "action": action}
    payload.update(data)
    return client.post(submit_url(hearing), payload, follow=follow)


def test_preview_shows_exactly_what_will_be_published_with_the_identity_number_removed(
    client, make_hearing, resident
):
    hearing = make_hearing()
    client.force_login(resident)
    body = f"Mitt fødselsnummer er {valid_fnr()} og e-post kari@example.org."
    response = post(client, hearing, "preview", body=body)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert FNR not in html.split('name="body"')[0]  # not in the preview itself
    assert "Kari Nordmann" in html
    assert Submission.objects.count() == 0  # a preview sends nothing


def test_sending_gives_a_receipt_with_a_reference_on_screen_and_by_email(
    client, make_hearing, resident, django_capture_on_commit_callbacks
):
    hearing = make_hearing(case_number="2026/77")
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, hearing, "send", follow=True)
    submission = Submission.objects.get()
    assert submission.reference == "2026/77-1"
    assert response.redirect_chain[-1][0] == reverse(
        "hearings:receipt", args=[hearing.pk, submission.pk]
    )
    assert "2026/77-1" in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kari@example.org"]
    assert "2026/77-1" in mail.outbox[0].subject + mail.outbox[0].body
    assert mail.outbox[0].alternatives  # HTML part beside the plain text


def test_a_double_click_creates_one_submission(
    client, make_hearing, resident, django_capture_on_commit_callbacks
):
    hearing = make_hearing()
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, hearing, "send", idempotency_key="same")
        second = post(client, hearing, "send", idempotency_key="same")
    assert Submission.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert len(mail.outbox) == 1


def test_the_published_submission_shows_the_name_but_never_the_identity_number(
    client, make_hearing, resident
):
    hearing = make_hearing()
    do_submit(resident, hearing, f"Fnr {valid_fnr()}, ring 412 34 567, bor i Storgata 12B.")
    client.logout()
    html = client.get(reverse("hearings:submissions", args=[hearing.pk])).content.decode()
    assert "Kari Nordmann" in html
    for secret in (FNR, "412 34 567", "Storgata 12B"):
        assert secret not in html


def test_the_author_still_sees_the_original_text(client, make_hearing, resident):
    hearing = make_hearing()
    submission, _ = do_submit(resident, hearing, f"Fnr {valid_fnr()}")
    client.force_login(resident)
    url = reverse("hearings:submission", args=[hearing.pk, submission.pk])
    assert FNR in client.get(url).content.decode()


def test_late_submission_is_kept_and_marked_late(client, make_hearing, resident):
    hearing = make_hearing(phase="closed")
    client.force_login(resident)
    response = post(client, hearing, "send", follow=True)
    submission = Submission.objects.get()
    assert submission.is_late
    assert response.status_code == HTTPStatus.OK


def test_a_hearing_with_published_responses_refuses_new_submissions_and_keeps_the_text(
    client, make_hearing, resident
):
    hearing = make_hearing(phase="responded")
    client.force_login(resident)
    response = post(client, hearing, "send", body="Min tekst som ikke må forsvinne")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Min tekst som ikke må forsvinne" in response.content.decode()
    assert Submission.objects.count() == 0


def test_an_anonymous_writer_is_sent_to_login_and_finds_the_text_again(client, make_hearing):
    hearing = make_hearing()
    response = post(client, hearing, "preview", body="Tekst skrevet før innlogging")
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_login") in response["Location"]
    form = client.get(submit_url(hearing)).content.decode()
    assert "Tekst skrevet før innlogging" in form


def test_a_resident_below_the_required_identity_level_is_asked_to_log_in_with_eid_and_keeps_text(
    client, make_hearing, resident
):
    hearing = make_hearing(identity_level=IdentityLevel.HIGH)
    client.force_login(resident)
    response = post(client, hearing, "send", body="Viktig innspill")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == submit_url(hearing)  # the form offers ID-porten
    assert Submission.objects.count() == 0
    assert "Viktig innspill" in client.get(submit_url(hearing)).content.decode()
    resident.assurance_level = AssuranceLevel.HIGH
    resident.save()
    assert post(client, hearing, "send").status_code == HTTPStatus.FOUND
    assert Submission.objects.count() == 1


def test_a_member_sends_on_behalf_of_an_organisation_and_its_name_is_published(
    client, make_hearing, resident
):
    hearing = make_hearing()
    org = Organisation.objects.create(name="Elvelangs vel")
    Membership.objects.create(user=resident, organisation=org)
    client.force_login(resident)
    post(client, hearing, "send", organisation=org.pk)
    assert Submission.objects.get().organisation_name == "Elvelangs vel"
    html = client.get(reverse("hearings:submissions", args=[hearing.pk])).content.decode()
    assert "Elvelangs vel" in html


def test_a_non_member_cannot_send_on_behalf_of_an_organisation(make_hearing, resident):
    hearing = make_hearing()
    org = Organisation.objects.create(name="Andres lag")
    with pytest.raises(ContributionError):
        do_submit(resident, hearing, "Tekst", organisation=org)


def test_pre_moderated_submissions_are_not_public_until_approved(client, make_hearing, resident):
    hearing = make_hearing()
    hearing.discussion.moderation = ModerationMode.PRE
    hearing.discussion.save()
    do_submit(resident, hearing, "Venter på moderator")
    html = client.get(reverse("hearings:submissions", args=[hearing.pk])).content.decode()
    assert "Venter på moderator" not in html


def test_hostile_text_is_stored_as_written_and_shown_inert(client, make_hearing, resident):
    hearing = make_hearing()
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> \u202egnp.exe " + "å" * 5000
    submission, _ = do_submit(resident, hearing, hostile)
    assert submission.body == hostile
    html = client.get(reverse("hearings:submissions", args=[hearing.pk])).content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_the_name_withheld_request_is_kept_for_the_planner(client, make_hearing, resident):
    hearing = make_hearing()
    client.force_login(resident)
    post(client, hearing, "send", name_withheld_requested="on")
    submission = Submission.objects.get()
    assert submission.name_withheld_requested
    assert not submission.name_withheld  # the planner decides


def attach(client, hearing, upload):
    return client.post(
        submit_url(hearing),
        {
            "body": "Med vedlegg",
            "idempotency_key": "a1",
            "action": "preview",
            "attachments": upload,
        },
    )


def test_an_attachment_is_checked_by_content_not_by_name(client, make_hearing, resident):
    from django.core.files.uploadedfile import SimpleUploadedFile

    hearing = make_hearing()
    client.force_login(resident)
    fake = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 this is an exe", "application/pdf")
    response = attach(client, hearing, fake)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "plan.pdf" in html and "Med vedlegg" in html
    assert Attachment.objects.count() == 0


def test_a_too_large_attachment_gets_a_clear_message_and_the_text_is_kept(
    client, make_hearing, resident, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MAX_UPLOAD_BYTES = 1000
    hearing = make_hearing()
    client.force_login(resident)
    big = SimpleUploadedFile("stor.pdf", b"%PDF-1.4\n" + b"0" * 2000, "application/pdf")
    response = attach(client, hearing, big)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "stor.pdf" in html and "Med vedlegg" in html


def test_gps_metadata_is_stripped_from_an_attached_photo(client, make_hearing, resident):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (59.0, 54.0, 36.0), 1: "N"}  # GPSInfo
    exif[0x010F] = "Telefonprodusent"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    assert b"Telefonprodusent" in buffer.getvalue()
    hearing = make_hearing()
    client.force_login(resident)
    response = attach(client, hearing, SimpleUploadedFile("bilde.jpg", buffer.getvalue()))
    assert response.status_code == HTTPStatus.OK
    stored = Attachment.objects.get()
    data = stored.file.read()
    assert b"Telefonprodusent" not in data
    assert not Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    # Sending the previewed submission attaches the stored file.
    client.post(
        submit_url(hearing),
        {
            "body": "Med vedlegg",
            "idempotency_key": "a1",
            "action": "send",
            "attachment_tokens": stored.token,
        },
    )
    assert Submission.objects.get().attachments.get() == stored


def test_a_draft_hearing_is_not_found_by_residents(client, make_hearing, resident):
    hearing = make_hearing(phase="draft")
    client.force_login(resident)
    assert client.get(submit_url(hearing)).status_code == HTTPStatus.NOT_FOUND
    assert (
        client.get(reverse("hearings:submissions", args=[hearing.pk])).status_code
        == HTTPStatus.NOT_FOUND
    )


def test_somebody_elses_receipt_is_not_found(client, make_hearing, resident, make_user):
    hearing = make_hearing()
    submission, _ = do_submit(resident, hearing, "Min uttalelse")
    client.force_login(make_user())
    url = reverse("hearings:receipt", args=[hearing.pk, submission.pk])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_login_with_password_then_submit_end_to_end(client, make_hearing, resident):
    hearing = make_hearing()
    client.post(reverse("account_login"), {"login": resident.email, "password": PASSWORD})
    assert post(client, hearing, "send").status_code == HTTPStatus.FOUND
    assert Submission.objects.get().author == resident


def test_a_comment_on_a_plan_section_remembers_the_section(client, make_hearing, resident):
    from participation.contributions.models import Comment

    hearing = make_hearing()
    client.force_login(resident)
    url = reverse("hearings:comment", args=[hearing.pk])
    form = client.get(url + "?seksjon=trafikk").content.decode()
    assert 'value="trafikk"' in form
    client.post(url, {"body": "Om trafikken", "section": "trafikk", "idempotency_key": "x"})
    assert Comment.objects.get().section == "trafikk"


def test_a_comment_from_a_logged_out_person_is_kept_through_login(client, make_hearing):
    hearing = make_hearing()
    url = reverse("hearings:comment", args=[hearing.pk])
    response = client.post(url, {"body": "Ikke mist meg", "idempotency_key": "y"})
    assert reverse("account_login") in response["Location"]
    assert "Ikke mist meg" in client.get(url).content.decode()


def test_an_attachment_is_not_public_media_and_only_its_sender_and_staff_can_fetch_it(
    client, make_hearing, resident, make_user
):
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    hearing = make_hearing()
    client.force_login(resident)
    pdf = SimpleUploadedFile("innspill.pdf", b"%PDF-1.4\nhemmelig\n%%EOF", "application/pdf")
    attach(client, hearing, pdf)
    stored = Attachment.objects.get()
    client.post(
        submit_url(hearing),
        {
            "body": "Med vedlegg",
            "idempotency_key": "a1",
            "action": "send",
            "attachment_tokens": stored.token,
        },
    )
    assert str(settings.PRIVATE_MEDIA_ROOT) in stored.file.path
    assert str(settings.MEDIA_ROOT) not in stored.file.path
    url = reverse("hearings:attachment", args=[hearing.pk, stored.pk])
    assert b"hemmelig" in b"".join(client.get(url).streaming_content)
    client.force_login(make_user())
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    planner = make_user(roles=("planner",))
    client.force_login(planner)
    assert client.get(url).status_code == HTTPStatus.OK


def test_a_hearing_that_needs_high_eid_offers_an_id_porten_login_at_that_level_and_keeps_text(
    client, make_hearing, resident, settings
):
    from participation.accounts.eid_settings import socialaccount_providers

    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(
        server_url="http://127.0.0.1:9/",
        client_id="c",
        secret="s",
        acr_values="idporten-loa-substantial",
        token_auth_method="client_secret_post",
    )
    hearing = make_hearing(identity_level=IdentityLevel.HIGH)
    client.force_login(resident)
    response = post(client, hearing, "send", body="Tekst som skal bli")
    assert response["Location"] == submit_url(hearing)
    page = client.get(submit_url(hearing)).content.decode()
    assert "Tekst som skal bli" in page
    form = page.split('class="eid-form"')[0].rsplit("<form", 1)[1]
    assert "acr=high" in form and "process=connect" in form


def test_an_anonymous_reader_of_an_eid_hearing_is_told_why_on_the_login_page(client, make_hearing):
    hearing = make_hearing(identity_level=IdentityLevel.HIGH)
    response = post(client, hearing, "send", body="Tekst")
    assert "level=high" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    with translation.override("nb"):
        notice = translation.gettext(
            "To continue, log in with ID-porten at a high security level (BankID, Buypass or "
            "Commfides). What you wrote is kept."
        )
    assert notice in page
