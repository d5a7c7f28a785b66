from django.urls import path

from . import views

urlpatterns = [
    path("", views.board_view, name="duty_board"),
    path("shifts/", views.shifts_view, name="duty_shifts"),
    path("shifts/new/", views.shift_new_view, name="duty_shift_new"),
    path("shifts/<int:pk>/", views.shift_view, name="duty_shift"),
    path("shifts/<int:pk>/handover/", views.shift_hand_over_view, name="duty_handover"),
    path("shifts/<int:pk>/receive/", views.shift_receive_view, name="duty_receive"),
    path("shifts/<int:pk>/entries/new/", views.entry_new_view, name="duty_entry_new"),
    path("entries/", views.entries_view, name="duty_entries"),
    path("entries/export.xlsx", views.entries_xlsx_view, name="duty_entries_xlsx"),
    path("briefings/", views.briefings_view, name="briefings"),
    path("briefings/new/", views.briefing_new_view, name="briefing_new"),
    path("briefings/<int:pk>/", views.briefing_view, name="briefing"),
    path("briefings/<int:pk>/minutes/", views.briefing_minutes_view, name="briefing_minutes"),
    path("briefings/<int:pk>/decisions/", views.decision_add_view, name="briefing_decision_add"),
    path("briefings/<int:pk>/close/", views.briefing_close_view, name="briefing_close"),
    path("decisions/<int:pk>/task/", views.decision_task_view, name="decision_task"),
]
