from django.urls import include, path

app_name = "command"

urlpatterns = [
    path("alerts/", include("phongdich.command.alerts.urls")),
]
