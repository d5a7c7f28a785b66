from django.urls import path

from .views import release

app_name = "care"

urlpatterns: list = [
    path("release/", release.DueListView.as_view(), name="release_list"),
    path("release/list.pdf", release.release_list_printed, name="release_list_pdf"),
    path("release/<int:pk>/", release.release_order, name="release_order"),
    path("release/<int:pk>/certificate.pdf", release.release_certificate, name="release_certificate"),
]
