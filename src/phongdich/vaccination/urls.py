from django.urls import path

from . import views

app_name = "vaccination"
urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("units/<int:pk>/", views.coverage, name="coverage_unit"),
    path("units/<int:pk>/priority/", views.priority, name="priority"),
    path("doses/new/", views.dose_create, name="dose_create"),
    path("doses/new/lots/", views.dose_lots, name="dose_lots"),
    path("persons/<int:pk>/", views.person_record, name="person"),
    path("persons/<int:pk>/certificate/", views.certificate_issue_view, name="certificate_issue"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate"),
    path("certificates/<int:pk>/qr.<str:kind>", views.certificate_qr, name="certificate_qr"),
    path("certificates/<int:pk>/card.pdf", views.certificate_card, name="certificate_card"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke_view, name="certificate_revoke"),
    path("sites/", views.sites, name="sites"),
    path("shipments/", views.shipments, name="shipments"),
    path("shipments/<int:pk>/", views.shipment_detail, name="shipment"),
    path("rules/", views.rules, name="rules"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/run-again/", views.import_run_again, name="import_run_again"),
    path("imports/review/<int:pk>/", views.review_decide, name="review_decide"),
]
