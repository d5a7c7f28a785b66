from django.urls import path

from . import views

urlpatterns = [
    path("", views.directives_view, name="directives"),
    path("new/", views.directive_new_view, name="directive_new"),
    path("<int:pk>/", views.directive_view, name="directive"),
    path("<int:pk>/source/", views.directive_source_view, name="directive_source"),
    path("tasks/", views.tasks_view, name="tasks"),
    path("tasks/overdue/", views.tasks_overdue_view, name="tasks_overdue"),
    path("tasks/new/", views.task_new_view, name="task_new"),
    path("tasks/<int:pk>/", views.task_view, name="task"),
    path("tasks/<int:pk>/progress/", views.task_progress_view, name="task_progress"),
    path("tasks/<int:pk>/close/", views.task_close_view, name="task_close"),
    path("tasks/<int:pk>/inspection/", views.task_inspection_view, name="task_inspection"),
    path("attachments/<int:pk>/", views.attachment_view, name="attachment"),
    path("bodies/", views.bodies_view, name="bodies"),
    path("bodies/new/", views.body_new_view, name="body_new"),
    path("bodies/<int:pk>/", views.body_view, name="body"),
    path("bodies/<int:pk>/members/", views.body_members_view, name="body_members"),
]
