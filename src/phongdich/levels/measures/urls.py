from django.urls import path

from . import views

urlpatterns = [
    path("", views.measures_view, name="measures"),
    path("new/", views.measures_new_view, name="measures_new"),
    path("allowed/<int:unit_pk>/", views.allowed_view, name="allowed"),
]
