from django.urls import path

from headway.pages import pickers
from headway.teams import views

app_name = "teams"

urlpatterns = [
    path("", views.team_list, name="list"),
    path("new/", views.team_create, name="create"),
    path("pick/teams/", pickers.pick_teams, name="pick-teams"),
    path("pick/people/", pickers.pick_people, name="pick-people"),
    path("<str:key>/", views.detail, name="detail"),
    path("<str:key>/edit/", views.team_edit, name="edit"),
]
