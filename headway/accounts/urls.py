from django.urls import path

from headway.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("workspace/", views.switch_workspace, name="switch-workspace"),
    path("settings/", views.settings, name="settings"),
]
