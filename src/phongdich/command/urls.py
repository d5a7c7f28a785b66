from django.urls import include, path

app_name = "command"

urlpatterns = [
    path("reports/", include("phongdich.command.reports.urls")),
]
