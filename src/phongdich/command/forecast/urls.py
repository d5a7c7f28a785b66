from django.urls import path

from . import views

urlpatterns = [
    path("", views.forecast_view, name="forecast"),
    path("run/", views.forecast_run_now, name="forecast_run"),
    path("forecast.xlsx", views.forecast_xlsx, name="forecast_xlsx"),
    path("scenarios/", views.scenarios_view, name="scenarios"),
    path("scenarios/compare/", views.scenario_compare_view, name="scenario_compare"),
    path("scenarios/compare.csv", views.scenario_export, {"fmt": "csv"}, name="scenario_csv"),
    path("scenarios/compare.xlsx", views.scenario_export, {"fmt": "xlsx"}, name="scenario_xlsx"),
]
