from typing import Any

from django.apps import AppConfig


class OkrsConfig(AppConfig):
    name = "headway.okrs"
    label = "okrs"

    def ready(self) -> None:
        from headway.kpis.actions import readings_changed

        readings_changed.connect(refresh_followers, dispatch_uid="okrs-stored-figures")


def refresh_followers(sender: Any, key_result_ids: list[int], **kwargs: Any) -> None:
    """A KPI's values changed: the key results that follow it get fresh stored figures."""
    from headway.okrs.figures import refresh_key_results

    refresh_key_results(key_result_ids)
