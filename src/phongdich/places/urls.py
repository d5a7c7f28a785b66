from django.urls import path, re_path

from . import views

app_name = "places"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
    path("venues/", views.VenueListView.as_view(), name="venues"),
    path("venues/new/", views.venue_create, name="venue_create"),
    path("venues/<int:pk>/", views.venue_edit, name="venue_edit"),
    path("facilities/", views.FacilityListView.as_view(), name="facilities"),
    path("facilities/new/", views.facility_create, name="facility_create"),
    path("facilities/<int:pk>/", views.facility_edit, name="facility_edit"),
    re_path(r"^venues/(?P<pk>\d+)/qr\.(?P<fmt>png|svg)$", views.venue_qr, name="venue_qr"),
    re_path(r"^venues/(?P<pk>\d+)/poster\.(?P<fmt>pdf|png)$", views.venue_poster, name="venue_poster"),
]
