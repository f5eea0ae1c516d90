from django.apps import AppConfig


class TextConfig(AppConfig):
    name = "participation.text"
    label = "text"
