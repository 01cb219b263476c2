from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "headway.notifications"
    label = "notifications"

    def ready(self) -> None:
        from headway.notifications import signals  # noqa: F401  (connects `recorded`)
