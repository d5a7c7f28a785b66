"""/command/targets/: url names live in the "command" namespace, prefixed target."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.targets_view, name="targets"),
    path("new/", views.target_new_view, name="target_new"),
    path("<int:pk>/", views.target_view, name="target"),
    path("<int:pk>/readings.xlsx", views.target_readings_xlsx, name="target_readings_xlsx"),
]
