"""/api/v1/care/: each part of care adds its router here."""

from ninja import Router

from ..stations.api import router as stations_router
from ..supplies.api import router as supplies_router
from ..tower.api import router as tower_router
from .orders import router as orders_router
from .release import router as release_router
from .reports import router as reports_router
from .rules import router as rules_router

router = Router(tags=["care"])
router.add_router("", orders_router)
router.add_router("", reports_router)
router.add_router("/release", release_router)
router.add_router("/", rules_router)
router.add_router("/tower", tower_router)

router.add_router("", stations_router)

router.add_router("/supplies", supplies_router)
