from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "headway.plans"
    label = "plans"
