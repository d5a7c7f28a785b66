"""/care/stations/: mobile stations and their targets, community teams, the workforce and its courses. No app_name:
the names live in the care namespace ("care:stations")."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.station_list, name="stations"),
    path("new/", views.station_new, name="station_create"),
    path("<int:pk>/", views.station_edit, name="station_edit"),
    path("targets/", views.target_progress, name="station_targets"),
    path("teams/", views.team_communes, name="teams"),
    path("teams/commune/<int:pk>/", views.commune_teams, name="commune_teams"),
    path("teams/new/<int:group_pk>/", views.team_new, name="team_create"),
    path("teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/new/", views.staff_new, name="staff_create"),
    path("staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("courses/", views.course_list, name="courses"),
    path("courses/new/", views.course_new, name="course_create"),
    path("courses/<int:pk>/", views.course_detail, name="course"),
]
