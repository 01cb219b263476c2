from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "headway.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from headway.events.actions import recorded
        from headway.webhooks import tasks

        recorded.connect(tasks.on_recorded, dispatch_uid="headway.webhooks.on_recorded")
