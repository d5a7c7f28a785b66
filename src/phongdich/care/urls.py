from django.urls import include, path

from .views import alerts, orders, release, reports, rules

app_name = "care"

urlpatterns: list = [
    path("orders/", orders.OrderListView.as_view(), name="orders"),
    path("orders/new/", orders.order_create_view, name="order_create"),
    path("orders/new/<int:person_pk>/", orders.order_create_view, name="order_create_for"),
    path("orders/household/<int:person_pk>/", orders.household_order_create_view, name="household_order_create"),
    path("orders/<int:pk>/", orders.order_detail, name="order"),
    path("orders/<int:pk>/end/", orders.order_end_view, name="order_end"),
    path("orders/<int:pk>/assign/", orders.order_assign_view, name="order_assign"),
    path("orders/<int:pk>/visits/", orders.order_contact_view, name="order_contact"),
    path("orders/<int:pk>/medicines/", orders.order_medicine_view, name="order_medicine"),
    path("rules/", rules.RulesView.as_view(), name="rules"),
    path("rules/isolation/new/", rules.isolation_rules_new, name="isolation_rules_new"),
    path("medicines/", rules.MedicinesView.as_view(), name="medicines"),
    path("medicines/new/", rules.medicine_new, name="medicine_new"),
    path("medicines/<int:pk>/", rules.medicine_edit, name="medicine_edit"),
    path("sites/", rules.SitesView.as_view(), name="sites"),
    path("sites/<int:pk>/capacity/", rules.site_capacity, name="site_capacity"),
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
    path("release/", release.DueListView.as_view(), name="release_list"),
    path("release/list.pdf", release.release_list_printed, name="release_list_pdf"),
    path("release/<int:pk>/", release.release_order, name="release_order"),
    path("release/<int:pk>/certificate.pdf", release.release_certificate, name="release_certificate"),
    path("tower/", include("phongdich.care.tower.urls")),
    path("stations/", include("phongdich.care.stations.urls")),
    path("supplies/", include("phongdich.care.supplies.urls")),
]
