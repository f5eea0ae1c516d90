import pytest
from allauth.account.models import EmailAddress

from participation.accounts.models import User

PASSWORD = "a-long-test-password-42"


@pytest.fixture
def make_user(db):
    """Create a local e-mail account with a verified address (and optional roles)."""
    counter = iter(range(1, 10_000))

    def make(email=None, name="Test Person", roles=(), verified=True, **fields):
        from django.contrib.auth.models import Group

        email = email or f"person{next(counter)}@example.org"
        user = User.objects.create_user(email=email, password=PASSWORD, name=name, **fields)
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        if roles:
            user.groups.add(*Group.objects.filter(name__in=roles))
            if set(roles) - {"politician"}:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
        return user

    return make


@pytest.fixture
def demo_site(db):
    from participation import demo

    demo.load()
    return demo


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rolled-back tests reuse primary keys, so a cache kept between tests would lie."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """A request to an /en/ or /nn/ page leaves that language active in the thread (Django's
    LocaleMiddleware never deactivates it), so the next test's reverse() would get its prefix."""
    yield
    from django.utils import translation

    translation.deactivate()
