from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = "Medvirkning"

    def ready(self):
        from wagtail.signals import page_published, page_unpublished

        from participation.pagecache import bump_content_version

        # A page published or withdrawn in the CMS is new content for anonymous readers.
        page_published.connect(bump_content_version, dispatch_uid="pagecache.published")
        page_unpublished.connect(bump_content_version, dispatch_uid="pagecache.unpublished")
