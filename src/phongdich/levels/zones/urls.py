from django.urls import path

from . import views

urlpatterns = [
    path("", views.zones_view, name="zones"),
    path("new/", views.zone_new_view, name="zone_new"),
    path("<int:pk>/", views.zone_view, name="zone"),
    path("<int:pk>/end/", views.zone_end_view, name="zone_end"),
    path("<int:pk>/extend/", views.zone_extend_view, name="zone_extend"),
    path("<int:pk>/testing-round/", views.zone_testing_round_view, name="zone_testing_round"),
]
