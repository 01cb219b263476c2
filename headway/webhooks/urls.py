from django.urls import path

from headway.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.webhooks_page, name="list"),
    path("<int:webhook_id>/", views.webhook_page, name="detail"),
    path("<int:webhook_id>/state/", views.webhook_state, name="state"),
    path("<int:webhook_id>/test/", views.webhook_test, name="test"),
    path("<int:webhook_id>/delete/", views.webhook_delete, name="delete"),
]
