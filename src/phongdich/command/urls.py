from django.urls import include, path

app_name = "command"

urlpatterns = [
    path("directives/", include("phongdich.command.directives.urls")),
]
