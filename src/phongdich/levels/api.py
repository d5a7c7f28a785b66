from ninja import Router

from .maps.api import router as maps_router
from .measures.api import router as measures_router
from .zones.api import router as zones_router

router = Router(tags=["levels"])
router.add_router("/zones", zones_router)
router.add_router("/measures", measures_router)
router.add_router("/map", maps_router)
