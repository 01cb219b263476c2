from django.urls import path

from headway.teams import views

app_name = "teams"

urlpatterns = [
    path("", views.team_list, name="list"),
    path("new/", views.team_create, name="create"),
    path("<str:key>/", views.detail, name="detail"),
    path("<str:key>/edit/", views.team_edit, name="edit"),
]
