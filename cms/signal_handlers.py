from django.db import transaction

from participation.pagecache import bump_content_version


def crisis_settings_saved(sender, instance, **kwargs):
    # The front page and the banner on every cached page change: drop every cached page.
    transaction.on_commit(bump_content_version)
