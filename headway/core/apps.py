from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "headway.core"
    label = "core"

    def ready(self) -> None:
        from headway.core.database import use_wal

        post_migrate.connect(use_wal, sender=self, dispatch_uid="headway.core.use_wal")
