from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.PersonListView.as_view(), name="list"),
    path("new/", views.person_create_view, name="create"),
    path("export.csv", views.export_csv, name="export"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("pick/", views.person_pick, name="pick"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/move/", views.residence_change_create, name="move"),
    path("<int:pk>/merge/", views.merge, name="merge"),
]
