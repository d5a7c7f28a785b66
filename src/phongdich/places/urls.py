from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
]
