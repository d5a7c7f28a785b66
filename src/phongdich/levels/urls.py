from django.urls import include, path

from . import views

app_name = "levels"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("run/", views.run_view, name="run"),
    path("assessments/<int:pk>/", views.assessment_view, name="assessment"),
    path("assessments/<int:pk>/approve/", views.approve_view, name="approve"),
    path("assessments/<int:pk>/publish/", views.publish_view, name="publish"),
    path("results/<int:pk>/", views.result_view, name="result"),
    path("results/<int:pk>/override/", views.override_view, name="override"),
    path("rules/", views.rules_view, name="rules"),
    path("rules/new/", views.rules_new_view, name="rules_new"),
    path("capacity/", views.capacity_view, name="capacity"),
    path("zones/", include("phongdich.levels.zones.urls")),
    path("measures/", include("phongdich.levels.measures.urls")),
    path("map/", include("phongdich.levels.maps.urls")),
]
