from django.urls import path

from . import views

urlpatterns = [
    path("", views.reports_view, name="reports"),
    path("generate/", views.report_generate_view, name="report_generate"),
    path("templates/", views.templates_view, name="report_templates"),
    path("<int:pk>/", views.report_view, name="report"),
    path("<int:pk>/narratives/", views.report_edit_view, name="report_edit"),
    path("<int:pk>/sign/", views.report_sign_view, name="report_sign"),
    path("<int:pk>/revise/", views.report_revise_view, name="report_revise"),
    path("<int:pk>/send/", views.report_send_view, name="report_send"),
    path("<int:pk>/export/", views.report_export_view, name="report_export"),
]
