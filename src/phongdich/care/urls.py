from django.urls import path

from .views import alerts, reports

app_name = "care"

urlpatterns: list = [
    path("alerts/", alerts.AlertListView.as_view(), name="alerts"),
    path("alerts/<int:pk>/", alerts.alert_detail, name="alert"),
    path("alerts/<int:pk>/acknowledge/", alerts.alert_acknowledge_view, name="alert_acknowledge"),
    path("alerts/<int:pk>/action/", alerts.alert_action_view, name="alert_action"),
    path("alerts/<int:pk>/close/", alerts.alert_close_view, name="alert_close"),
    path("missed-reports/", alerts.MissedReportListView.as_view(), name="missed"),
    path("orders/<int:pk>/reports/", reports.order_reports, name="order_reports"),
    path("orders/<int:pk>/reports/new/", reports.report_create_view, name="report_create"),
    path("orders/<int:pk>/link/", reports.link_issue_view, name="link_issue"),
    path("links/<int:pk>/revoke/", reports.link_revoke_view, name="link_revoke"),
    path("links/<int:pk>/card.pdf", reports.link_card, name="link_card"),
]
