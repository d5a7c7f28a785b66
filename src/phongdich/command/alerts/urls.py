"""/command/alerts/: url names live in the "command" namespace, prefixed alert."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox_view, name="alerts"),
    path("<int:pk>/", views.alert_view, name="alert"),
    path("<int:pk>/acknowledge/", views.alert_acknowledge_view, name="alert_acknowledge"),
    path("<int:pk>/resolve/", views.alert_resolve_view, name="alert_resolve"),
    path("rules/", views.rules_view, name="alert_rules"),
    path("rules/<int:pk>/", views.rule_edit_view, name="alert_rule_edit"),
]
