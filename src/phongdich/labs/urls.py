from django.urls import path

from . import views

app_name = "labs"
urlpatterns = [
    path("samples/", views.SampleListView.as_view(), name="samples"),
    path("samples/new/", views.sample_create, name="sample_create"),
    path("samples/<int:pk>/", views.sample_detail, name="sample"),
    path("samples/<int:pk>/result/", views.sample_result, name="sample_result"),
    path("samples/<int:pk>/reject/", views.sample_reject_view, name="sample_reject"),
    path("samples/<int:pk>/photo/", views.sample_photo, name="sample_photo"),
    path("receive/", views.receive, name="receive"),
    path("pools/", views.PoolListView.as_view(), name="pools"),
    path("pools/new/", views.pool_create, name="pool_create"),
    path("pools/<int:pk>/", views.pool_detail, name="pool"),
    path("pools/<int:pk>/send/", views.pool_send_view, name="pool_send"),
    path("pools/<int:pk>/result/", views.pool_result, name="pool_result"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/errors.csv", views.import_errors, name="import_errors"),
    path("imports/<int:pk>/run-again/", views.import_run_again, name="import_run_again"),
    path("imports/map/<int:lab>/<str:token>/", views.import_map, name="import_map"),
    path("rounds/", views.RoundListView.as_view(), name="rounds"),
    path("rounds/new/", views.round_create_view, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/groups/<int:unit_pk>/", views.round_households, name="round_households"),
    path("resampling/", views.ResampleTaskListView.as_view(), name="tasks"),
    path("labs/", views.labs, name="labs"),
    path("organisations/", views.plans, name="plans"),
    path("organisations/new/", views.plan_create, name="plan_create"),
    path("organisations/<int:pk>/", views.plan_detail, name="plan"),
    path("rules/", views.rules, name="rules"),
]
