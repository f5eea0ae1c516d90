from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = "Medvirkning"

    def ready(self):
        from django.conf import settings
        from PIL import Image
        from wagtail.signals import page_published, page_unpublished

        # Pillow refuses to open images past twice this (a decompression bomb), whoever opens
        # them: our uploads check the exact limit first, Wagtail's images have their own.
        Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS

        from participation.pagecache import bump_content_version

        # A page published or withdrawn in the CMS is new content for anonymous readers.
        page_published.connect(bump_content_version, dispatch_uid="pagecache.published")
        page_unpublished.connect(bump_content_version, dispatch_uid="pagecache.unpublished")

        from django.core.signals import got_request_exception

        from participation.health import log_lost_database_connection

        got_request_exception.connect(log_lost_database_connection, dispatch_uid="health.db")
