from http import HTTPStatus

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearings.models import Attachment, CampaignGroup, Export, Phase, Submission
from hearings.review import do_publish_responses, do_review_submission
from hearings.tasks import send_response_published
from participation.contributions.models import AuditEntry, Contribution
from participation.contributions.operations import ContributionError
from tests.conftest import PASSWORD
from tests.hearings.review_helpers import make_many_submissions, make_submission


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def planner(make_user):
    return make_user(email="planlegger@example.org", name="Plan Legger", roles=["planner"])


@pytest.fixture
def closed(make_hearing):
    return make_hearing("closed", title="Reguleringsplan Parken", case_number="2026/77")


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


# ---------------------------------------------------------------- who may enter


def admin_urls(hearing, submission, attachment, group, export):
    return [
        reverse("hearings_review:index"),
        reverse("hearings_review:workspace", args=[hearing.pk]),
        reverse("hearings_review:submission", args=[hearing.pk, submission.pk]),
        reverse("hearings_review:attachment", args=[hearing.pk, attachment.pk]),
        reverse("hearings_review:campaigns", args=[hearing.pk]),
        reverse("hearings_review:campaign", args=[hearing.pk, group.pk]),
        reverse("hearings_review:exports", args=[hearing.pk]),
        reverse("hearings_review:export", args=[hearing.pk, export.pk]),
        reverse("hearings_review:publish", args=[hearing.pk]),
    ]


@pytest.fixture
def everything(closed, planner):
    submission = make_submission(closed, "Originaltekst med 01010150086.", author_name="Kari")
    attachment = Attachment(
        submission=submission,
        token="a1",
        original_name="kart.pdf",
        content_type="application/pdf",
        size=9,
        sha256="x",
    )
    attachment.file.save("kart.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    group = CampaignGroup.objects.create(
        hearing=closed, label="Aksjonen", representative=submission
    )
    export = Export.objects.create(hearing=closed, requested_by=planner, format="csv")
    export.file.save("x.csv", ContentFile(b"a;b\n"), save=False)
    export.status = Export.Status.DONE
    export.save()
    return closed, submission, attachment, group, export


def test_planner_opens_every_workspace_view(client, planner, everything):
    login(client, planner)
    for url in admin_urls(*everything):
        assert client.get(url).status_code == HTTPStatus.OK, url


@pytest.mark.parametrize("role", ["moderator", "editor", "politician", None])
def test_nobody_but_planners_gets_into_the_workspace(client, make_user, everything, role):
    login(client, make_user(roles=[role] if role else []))
    for url in admin_urls(*everything):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert "Originaltekst" not in response.content.decode()
    for url in admin_urls(*everything):
        client.post(url, {"action": "reject", "format": "csv"})
    hearing = everything[0]
    assert CampaignGroup.objects.filter(hearing=hearing).exists()
    assert Export.objects.filter(hearing=hearing).count() == 1
    hearing.refresh_from_db()
    assert hearing.responses_published_at is None
    assert not AuditEntry.objects.filter(action="viewed_original").exists()


def test_anonymous_visitors_are_sent_to_the_login(client, everything):
    for url in admin_urls(*everything):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert reverse("wagtailadmin_login") in response.url


def test_the_menu_shows_the_workspace_to_planners_only(client, planner, make_user):
    url = reverse("hearings_review:index")
    login(client, planner)
    assert url in client.get(reverse("wagtailadmin_home")).content.decode()
    login(client, make_user(roles=["editor"]))
    assert url not in client.get(reverse("wagtailadmin_home")).content.decode()


# ---------------------------------------------------------------- the list


def workspace(client, hearing, **params):
    return client.get(reverse("hearings_review:workspace", args=[hearing.pk]), params)


def refs(response):
    return [s.reference for s in response.context["page"].object_list]


def test_workspace_lists_every_submission_in_every_state_with_late_ones_marked(
    client, planner, closed
):
    states = [Contribution.State.PUBLISHED, Contribution.State.PENDING, Contribution.State.HIDDEN]
    made = [make_submission(closed, f"Tekst {s}", state=s) for s in states]
    late = make_submission(closed, "Kom for sent", is_late=True)
    login(client, planner)
    response = workspace(client, closed)
    assert set(refs(response)) == {s.reference for s in [*made, late]}
    assert response.context["stats"]["late"] == 1
    assert refs(workspace(client, closed, late="yes")) == [late.reference]


def test_workspace_filters_by_theme_response_group_withheld_and_text(client, planner, closed):
    traffic = make_submission(closed, "Bilene kjører for fort", response="Fartsdumper kommer.")
    traffic.themes.set(["trafikk"])
    school = make_submission(closed, "Skolen er for liten", name_withheld_requested=True)
    school.themes.set(["skole"])
    group = CampaignGroup.objects.create(hearing=closed, label="Aksjon")
    campaign = make_submission(closed, "Stopp planen", campaign_group=group)
    login(client, planner)
    assert refs(workspace(client, closed, theme="trafikk")) == [traffic.reference]
    assert refs(workspace(client, closed, answered="yes")) == [traffic.reference]
    assert set(refs(workspace(client, closed, answered="no"))) == {
        school.reference,
        campaign.reference,
    }
    assert refs(workspace(client, closed, group=str(group.pk))) == [campaign.reference]
    assert campaign.reference not in refs(workspace(client, closed, group="none"))
    assert refs(workspace(client, closed, withheld="requested")) == [school.reference]
    assert refs(workspace(client, closed, q="liten")) == [school.reference]


def test_workspace_pages_fifty_at_a_time_with_the_same_queries_for_any_size(
    client, planner, make_hearing
):
    small, large = make_hearing("closed"), make_hearing("closed")
    for hearing, n in ((small, 3), (large, 120)):
        ids = make_many_submissions(hearing, [f"Tekst {i}" for i in range(n)])
        for pk in ids[:3]:
            Submission.objects.get(pk=pk).themes.set(["trafikk", "skole"])
        group = CampaignGroup.objects.create(hearing=hearing, label="Aksjon")
        Submission.objects.filter(pk__in=ids[:2]).update(campaign_group=group)
    login(client, planner)
    workspace(client, small)  # warm caches (session, permissions, site)
    counts = []
    for hearing in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = workspace(client, hearing)
        counts.append(len(queries))
        assert response.status_code == HTTPStatus.OK
    assert counts[0] == counts[1]
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.num_pages == 3


# ---------------------------------------------------------------- one submission


def review_url(submission):
    return reverse("hearings_review:submission", args=[submission.hearing_id, submission.pk])


def test_planner_sees_the_original_and_every_look_is_logged(client, planner, everything):
    hearing, submission, attachment, *_ = everything
    login(client, planner)
    response = client.get(review_url(submission))
    assert "01010150086" in response.content.decode()
    client.get(review_url(submission))
    download = client.get(reverse("hearings_review:attachment", args=[hearing.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4\n"
    views = AuditEntry.objects.filter(contribution=submission, action="viewed_original")
    assert views.count() == 3
    assert views.filter(actor=planner).count() == 3
    assert views.last().data == {"attachment": attachment.pk}


def test_planner_tags_summarises_answers_and_withholds_the_name(client, planner, closed):
    submission = make_submission(closed, "Jeg vil ha fortau.", name_withheld_requested=True)
    following = make_submission(closed, "Neste")
    login(client, planner)
    response = client.post(
        review_url(submission),
        {
            "themes": "trafikk, skolevei",
            "summary": "Ønsker fortau.",
            "response": "Fortau er med i planen.",
            "name_withheld": "on",
            "next": "1",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == review_url(following)
    submission.refresh_from_db()
    assert sorted(t.name for t in submission.themes.all()) == ["skolevei", "trafikk"]
    assert submission.summary == "Ønsker fortau."
    assert submission.response == "Fortau er med i planen."
    assert submission.name_withheld is True
    assert submission.public_name != submission.author_name
    entry = AuditEntry.objects.get(contribution=submission, action="reviewed")
    assert entry.actor == planner
    assert entry.data["name_withheld"] is True


def test_a_letter_in_a_confirmed_group_takes_its_answer_from_the_group(planner, closed):
    from hearings.review import do_confirm_campaign

    group = CampaignGroup.objects.create(hearing=closed, label="Aksjon", response="Felles svar.")
    submission = make_submission(closed, "Stopp", campaign_group=group)
    do_confirm_campaign(planner, group)
    submission.refresh_from_db()
    do_review_submission(
        planner, submission, themes=[], summary="Eget", response="Eget svar", name_withheld=False
    )
    submission.refresh_from_db()
    assert submission.response == "Felles svar."


def test_only_planners_may_review(make_user, closed):
    submission = make_submission(closed)
    with pytest.raises(ContributionError):
        do_review_submission(
            make_user(roles=["moderator"]),
            submission,
            themes=[],
            summary="",
            response="x",
            name_withheld=False,
        )


# ---------------------------------------------------------------- publishing responses


def test_responses_cannot_be_published_before_the_deadline(planner, make_hearing):
    hearing = make_hearing("open")
    make_submission(hearing, response="Svar")
    with pytest.raises(ContributionError):
        do_publish_responses(planner, hearing)
    hearing.refresh_from_db()
    assert hearing.phase() == Phase.OPEN


def test_publishing_responses_shows_them_beside_submissions_and_tells_each_sender_once(
    client, planner, closed, make_user, django_capture_on_commit_callbacks
):
    kari = make_user(email="kari@example.org", name="Kari Nordmann")
    ola = make_user(email="ola@example.org", name="Ola")
    answered = make_submission(closed, "Bevar parken", author=kari, response="Parken bevares.")
    make_submission(closed, "Uten svar", author=ola)
    make_submission(
        closed, "Trukket", author=ola, response="Svar", state=Contribution.State.WITHDRAWN
    )
    login(client, planner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("hearings_review:publish", args=[closed.pk]))
    assert response.status_code == HTTPStatus.FOUND
    closed.refresh_from_db()
    assert closed.phase() == Phase.RESPONDED
    assert [m.to for m in mail.outbox] == [["kari@example.org"]]
    assert "Parken bevares." in mail.outbox[0].body
    answered.refresh_from_db()
    assert answered.response_notified_at is not None

    # A retried task (or a second worker) sends nothing more.
    send_response_published.enqueue(answered.pk)
    assert len(mail.outbox) == 1

    client.logout()
    page = client.get(reverse("hearings:submission", args=[closed.pk, answered.pk]))
    assert "Parken bevares." in page.content.decode()


def test_publishing_twice_is_refused(planner, closed):
    do_publish_responses(planner, closed)
    with pytest.raises(ContributionError):
        do_publish_responses(planner, closed)


def test_a_failed_mail_can_be_retried_and_is_then_sent(
    planner, closed, make_user, monkeypatch, django_capture_on_commit_callbacks
):
    from participation.notifications import delivery
    from participation.notifications.models import Notification
    from participation.notifications.tasks import send_notification

    kari = make_user(email="kari@example.org")
    submission = make_submission(closed, "Tekst", author=kari, response="Svar.")
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(delivery, "send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        do_publish_responses(planner, closed)
    # The response is queued in the outbox once; the failed send left it unsent.
    notification = Notification.objects.get(user=kari, contribution=submission)
    assert calls and notification.sent_at is None and not mail.outbox
    monkeypatch.undo()
    send_notification.enqueue(notification.pk)
    assert len(mail.outbox) == 1
