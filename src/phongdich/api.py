"""The /api/v1/ surface: one NinjaAPI with each app's router."""

from phongdich.accounts.api import router as accounts_router
from phongdich.care.api import router as care_router
from phongdich.command.api import router as command_router
from phongdich.core.api import build_api
from phongdich.labs.api import router as labs_router
from phongdich.levels.api import router as levels_router
from phongdich.people.api import router as people_router
from phongdich.places.api import router as places_router
from phongdich.surveillance.api import cases_router, clusters_router, contacts_router, tracing_router, trips_router
from phongdich.surveillance.api import router as checkins_router
from phongdich.vaccination.api import dcc_router
from phongdich.vaccination.api import router as vaccination_router

api = build_api()
api.add_router("/", accounts_router)
api.add_router("/units", places_router)
api.add_router("/persons", people_router)
api.add_router("/checkins", checkins_router)
api.add_router("/cases", cases_router)
api.add_router("/contacts", contacts_router)
api.add_router("/clusters", clusters_router)
api.add_router("/trips", trips_router)
api.add_router("/tracing", tracing_router)
api.add_router("/testing", labs_router)
api.add_router("/vaccination", vaccination_router)
api.add_router("/dcc", dcc_router)
api.add_router("/care", care_router)
api.add_router("/levels", levels_router)
api.add_router("/command", command_router)
