from django.urls import path

from headway.kpis import views

app_name = "kpis"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.kpi_create, name="create"),
    path("<str:key>/", views.detail, name="detail"),
    path("<str:key>/edit/", views.kpi_edit, name="edit"),
    path("<str:key>/values/", views.value_create, name="value-create"),
]
