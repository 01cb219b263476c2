from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "headway.events"
    label = "events"
