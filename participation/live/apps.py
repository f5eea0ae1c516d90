from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "participation.live"
    label = "live"
