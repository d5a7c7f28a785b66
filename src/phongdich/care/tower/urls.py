from django.urls import path

from . import views

urlpatterns = [
    path("", views.board_view, name="tower_board"),
    path("board.xlsx", views.board_xlsx, name="tower_board_xlsx"),
    path("facilities/new/", views.enrol_view, name="tower_enrol"),
    path("facilities/<int:facility_pk>/", views.facility_view, name="tower_facility"),
    path("facilities/<int:facility_pk>/capacity/", views.capacity_view, name="tower_capacity"),
    path("facilities/<int:facility_pk>/status/", views.status_view, name="tower_status"),
    path("admissions/new/", views.admission_new_view, name="admission_new"),
    path("admissions/<int:pk>/", views.admission_view, name="admission"),
    path("admissions/<int:pk>/discharge/", views.admission_discharge_view, name="admission_discharge"),
    path("admissions/<int:pk>/death/", views.admission_death_view, name="admission_death"),
    path("transfers/", views.transfers_view, name="transfers"),
    path("transfers/new/", views.transfer_new_view, name="transfer_new"),
    path("transfers/<int:pk>/", views.transfer_view, name="transfer"),
    path("transfers/<int:pk>/offers/", views.transfer_offer_view, name="transfer_offer"),
    path("transfers/<int:pk>/offers/<int:facility_pk>/answer/", views.transfer_answer_view, name="transfer_answer"),
    path("transfers/<int:pk>/ambulance/", views.transfer_ambulance_view, name="transfer_ambulance"),
    path("transfers/<int:pk>/cancel/", views.transfer_cancel_view, name="transfer_cancel"),
]
