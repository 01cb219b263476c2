"""Root URLconf: the pages of each app, the API, the admin."""

from django.contrib import admin
from django.urls import include, path

from headway.api import api
from headway.pages import views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("headway.accounts.urls")),
    path("okrs/", include("headway.okrs.urls")),
    path("kpis/", include("headway.kpis.urls")),
    path("teams/", include("headway.teams.urls")),
    path("settings/webhooks/", include("headway.webhooks.urls")),
    path("notifications/", include("headway.notifications.urls")),
    path("digests/", include("headway.digests.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

# A database that is busy, read-only or full answers 503, not 500 (headway.core.database).
handler500 = "headway.core.database.server_error"
handler400 = "headway.core.database.bad_request"
