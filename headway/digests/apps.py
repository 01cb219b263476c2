from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "headway.digests"
    label = "digests"
