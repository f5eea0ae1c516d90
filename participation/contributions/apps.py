from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "participation.contributions"
    label = "contributions"

    def ready(self):
        from participation.contributions import streams

        streams.register()
