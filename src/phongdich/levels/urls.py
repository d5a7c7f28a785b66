from django.urls import include, path

app_name = "levels"

urlpatterns = [
    path("zones/", include("phongdich.levels.zones.urls")),
    path("measures/", include("phongdich.levels.measures.urls")),
    path("map/", include("phongdich.levels.maps.urls")),
]
