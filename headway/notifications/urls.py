from django.urls import path, re_path

from headway.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("read-all/", views.mark_all_read, name="read-all"),
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    re_path(
        r"^follow/(?P<subject_type>objective|key_result|kpi|team)/(?P<key>[^/]+)/$",
        views.toggle_follow,
        name="follow",
    ),
]
