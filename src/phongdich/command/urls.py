from django.urls import include, path

from . import views

app_name = "command"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("dashboard.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("directives/", include("phongdich.command.directives.urls")),
    path("reports/", include("phongdich.command.reports.urls")),
    path("duty/", include("phongdich.command.duty.urls")),
    path("targets/", include("phongdich.command.targets.urls")),
    path("alerts/", include("phongdich.command.alerts.urls")),
    path("forecast/", include("phongdich.command.forecast.urls")),
]
