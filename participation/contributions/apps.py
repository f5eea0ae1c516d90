from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "participation.contributions"
    label = "contributions"
