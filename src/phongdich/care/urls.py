from django.urls import path

from .views import rules

app_name = "care"

urlpatterns: list = [
    path("rules/", rules.RulesView.as_view(), name="rules"),
    path("rules/isolation/new/", rules.isolation_rules_new, name="isolation_rules_new"),
    path("medicines/", rules.MedicinesView.as_view(), name="medicines"),
    path("medicines/new/", rules.medicine_new, name="medicine_new"),
    path("medicines/<int:pk>/", rules.medicine_edit, name="medicine_edit"),
    path("sites/", rules.SitesView.as_view(), name="sites"),
    path("sites/<int:pk>/capacity/", rules.site_capacity, name="site_capacity"),
]
