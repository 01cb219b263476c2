from django.urls import path

from headway.digests import views

app_name = "digests"

urlpatterns = [
    path("", views.digest_preview, name="preview"),
]
