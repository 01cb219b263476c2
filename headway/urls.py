"""Root URLconf: the pages of each app, the API, the admin."""

from django.contrib import admin
from django.urls import path

from headway.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
