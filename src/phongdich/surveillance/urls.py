from django.urls import path

from . import views

app_name = "surveillance"
urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="cases"),
    path("cases/new/<int:person_pk>/", views.case_create, name="case_create"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/status/", views.case_status, name="case_status"),
    path("cases/<int:pk>/exposures/", views.case_exposures, name="case_exposures"),
    path("cases/<int:pk>/contacts/new/", views.case_contact_add, name="case_contact_add"),
    path("contacts/<int:pk>/review/", views.contact_decide, name="contact_review"),
    path("clusters/", views.ClusterListView.as_view(), name="clusters"),
    path("clusters/<int:pk>/", views.cluster_detail, name="cluster"),
    path("levels/", views.LevelListView.as_view(), name="levels"),
    path("levels/by-unit/", views.levels_by_unit, name="levels_by_unit"),
    path("persons/<int:person_pk>/clear/", views.clear, name="clear"),
    path("persons/<int:person_pk>/card/", views.person_card, name="person_card"),
    path("trips/", views.TripListView.as_view(), name="trips"),
    path("rules/", views.rules, name="rules"),
    path("imports/runs/<int:pk>/", views.list_import_detail, name="list_import"),
    path("imports/runs/<int:pk>/errors.csv", views.list_import_errors, name="list_import_errors"),
    path("imports/runs/<int:pk>/run-again/", views.list_import_run_again, name="list_import_run_again"),
    path("imports/<str:kind>/", views.import_upload, name="import_upload"),
    path("imports/<str:kind>/<str:token>/", views.import_map, name="import_map"),
    path("tasks/", views.TaskListView.as_view(), name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/walking-list/<int:unit_pk>/", views.walking_list, name="walking_list"),
]
