"""/care/supplies/: url names live in the "care" namespace, prefixed supply_."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.stock_list, name="supply_stock"),
    path("facility/<int:pk>/", views.facility_stock, name="supply_facility"),
    path("facility/<int:pk>/record/", views.movement_new, name="supply_movement_new"),
    path("low/", views.low_stock_view, name="supply_low"),
    path("donations/", views.donation_list, name="supply_donations"),
    path("donations/new/", views.donation_new, name="supply_donation_new"),
    path("donations/<int:pk>/", views.donation_detail, name="supply_donation"),
    path("items/", views.item_list, name="supply_items"),
    path("items/new/", views.item_new, name="supply_item_new"),
    path("items/<int:pk>/", views.item_edit, name="supply_item_edit"),
]
