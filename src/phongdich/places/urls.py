from django.urls import path, re_path

from . import views

app_name = "places"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
    re_path(r"^venues/(?P<pk>\d+)/qr\.(?P<fmt>png|svg)$", views.venue_qr, name="venue_qr"),
]
