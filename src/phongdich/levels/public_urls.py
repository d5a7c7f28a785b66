"""Pages anyone may open without an account: the published levels and what each level allows."""

from django.urls import path

from .maps import views as maps

app_name = "public_levels"

urlpatterns = [
    path("", maps.public_map, name="map"),
    path("ban-do.svg", maps.public_map_image, {"fmt": "svg"}, name="map_svg"),
    path("ban-do.png", maps.public_map_image, {"fmt": "png"}, name="map_png"),
]
