from django.urls import include, path
from django.views.i18n import set_language

from .api import api
from .care.views.public import self_report_page
from .care.views.release import certificate_check
from .core.views import healthz
from .surveillance.views import checkin_page
from .vaccination.views import verify

urlpatterns = [
    path("", include("phongdich.core.urls")),
    path("accounts/", include("phongdich.accounts.urls")),
    path("units/", include("phongdich.places.urls")),
    path("persons/", include("phongdich.people.urls")),
    path("tracing/", include("phongdich.surveillance.urls")),
    path("testing/", include("phongdich.labs.urls")),
    path("vaccination/", include("phongdich.vaccination.urls")),
    path("care/", include("phongdich.care.urls")),
    path("levels/", include("phongdich.levels.urls")),
    path("command/", include("phongdich.command.urls")),
    path("cap-do-dich/", include("phongdich.levels.public_urls")),
    path("verify", verify, name="verify"),
    path("c/<str:token>/", checkin_page, name="checkin"),
    path("r/<str:token>/", self_report_page, name="self_report"),
    path("kiem-tra/<str:code>/", certificate_check, name="certificate_check"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
]
