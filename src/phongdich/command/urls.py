from django.urls import include, path

app_name = "command"

urlpatterns = [
    path("duty/", include("phongdich.command.duty.urls")),
]
