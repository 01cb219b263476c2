from django.urls import path

from headway.kpis import views
from headway.pages import pickers

app_name = "kpis"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.kpi_create, name="create"),
    path("pick/kpis/", pickers.pick_kpis, name="pick-kpis"),
    path("<str:key>/", views.detail, name="detail"),
    path("<str:key>/edit/", views.kpi_edit, name="edit"),
    path("<str:key>/values/", views.value_create, name="value-create"),
]
