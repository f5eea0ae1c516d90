from django.apps import AppConfig
from django.db.models.signals import post_save


class CmsConfig(AppConfig):
    name = "cms"

    def ready(self):
        from cms import signal_handlers
        from cms.models import CrisisSettings

        post_save.connect(
            signal_handlers.crisis_settings_saved,
            sender=CrisisSettings,
            dispatch_uid="cms.crisis_settings_saved",
        )
