from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "participation.geo"
    label = "geo"
