"""The one NinjaAPI of the project, mounted at /api/v1/ (docs/api.md)."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Headway API",
    version="1",
    description="OKRs and KPIs, connected. Authenticate with `Authorization: Bearer <token>`.",
    urls_namespace="api",
)
