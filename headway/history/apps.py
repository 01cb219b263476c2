from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "headway.history"
    label = "history"
