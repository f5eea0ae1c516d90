from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "participation.live"
    label = "live"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from participation.live.signal_handlers import close_sockets_of_session

        user_logged_out.connect(close_sockets_of_session, dispatch_uid="live.logged_out")
