"""Two first ID-porten logins of the same person at once end in one account, not a 500."""

import contextlib
import threading

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from participation.accounts.adapters import SocialAccountAdapter
from participation.accounts.identity import hash_pid
from participation.accounts.models import User
from tests.concurrency import POSTGRES_CONCURRENCY, in_parallel

from .conftest import EidLogin
from .test_eid_login import PIDS, SUBSTANTIAL, logged_in_user, new_sub


def test_a_first_login_that_loses_the_race_lands_in_the_account_the_other_one_made(
    eid, idporten, monkeypatch
):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[1], acr=SUBSTANTIAL)
    check = SocialAccountAdapter.pre_social_login
    made = []

    def other_tab_finishes_between_check_and_insert(self, request, sociallogin):
        check(self, request, sociallogin)  # finds nobody: this is a first login
        # ... and in that moment the person's other tab completes its own first login.
        other = User.objects.create(username="other-tab", pid_hash=hash_pid(PIDS[1]))
        SocialAccount.objects.create(user=other, provider=sociallogin.account.provider, uid=sub)
        made.append(other)

    monkeypatch.setattr(
        SocialAccountAdapter, "pre_social_login", other_tab_finishes_between_check_and_insert
    )

    response = eid.login(sub)

    assert response.status_code == 302
    assert logged_in_user(eid.client) == made[0]
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1


@pytest.fixture
def both_check_before_either_saves(monkeypatch):
    """Hold each login after its lookup until the other has looked too: the race, every time."""
    barrier = threading.Barrier(2, timeout=30)  # a safety net against a hang, not a threshold
    check = SocialAccountAdapter.pre_social_login

    def checked_then_wait(self, request, sociallogin):
        check(self, request, sociallogin)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()

    monkeypatch.setattr(SocialAccountAdapter, "pre_social_login", checked_then_wait)


def on_postgres(test):
    for mark in POSTGRES_CONCURRENCY:
        test = mark(test)
    return test


@on_postgres
def test_two_simultaneous_first_logins_of_one_person_share_one_account(
    idporten, both_check_before_either_saves
):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[2], acr=SUBSTANTIAL)
    tabs = [EidLogin(Client(), idporten), EidLogin(Client(), idporten)]
    callbacks = [tab.authorize(tab.start(), sub) for tab in tabs]

    results = in_parallel(
        [lambda tab=tab, url=url: tab.finish(url) for tab, url in zip(tabs, callbacks)]
    )

    assert [getattr(r, "status_code", r) for r in results] == [302, 302]
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1
    assert logged_in_user(tabs[0].client) == logged_in_user(tabs[1].client)
