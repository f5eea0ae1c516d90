"""A politician sees their digest for the last seven days on the site, at any time."""

from datetime import timedelta
from http import HTTPStatus

from django.urls import reverse
from django.utils import timezone, translation

from hearings.operations import do_comment
from participation.contributions.models import Contribution
from participation.notifications.models import Follow


def test_a_politician_sees_the_last_seven_days_of_what_they_follow_in_their_language(
    client, make_user, make_hearing
):
    politician = make_user(email="pol@example.org", roles=("politician",), political_role="Ap")
    resident = make_user(email="kari@example.org", name="Kari Nordmann")
    hearing = make_hearing(title="Kommuneplanen")
    Follow.objects.create(user=politician, hearing=hearing)
    today, _ = do_comment(resident, hearing, "Hva med sykkelveien langs elva?")
    old, _ = do_comment(resident, hearing, "Et gammelt innlegg.")
    Contribution.objects.filter(pk__in=[today.pk, old.pk]).update(state="published")
    Contribution.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=9))
    client.force_login(politician)

    with translation.override("nn"):
        url = reverse("follows:digest")
    html = client.get(url).content.decode()

    assert url.startswith("/nn/")
    assert "Kommuneplanen" in html
    assert "sykkelveien" in html  # today's thread, not next Monday's
    assert "gammelt innlegg" not in html  # older than seven days
    assert '<html lang="nn"' in html


def test_the_follows_page_links_a_politician_to_the_digest(client, make_user):
    politician = make_user(email="pol@example.org", roles=("politician",))
    client.force_login(politician)

    html = client.get(reverse("follows:index")).content.decode()

    assert reverse("follows:digest") in html


def test_only_politicians_have_a_digest_page(client, make_user):
    client.force_login(make_user(email="kari@example.org"))

    assert client.get(reverse("follows:digest")).status_code == HTTPStatus.NOT_FOUND
