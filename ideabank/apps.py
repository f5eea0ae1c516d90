from django.apps import AppConfig


class IdeabankConfig(AppConfig):
    name = "ideabank"
