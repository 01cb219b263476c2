from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "headway.kpis"
    label = "kpis"
