"""/api/v1/care/: each part of care adds its router here."""

from ninja import Router

from ..supplies.api import router as supplies_router
from .orders import router as orders_router
from .release import router as release_router
from .reports import router as reports_router
from .rules import router as rules_router

router = Router(tags=["care"])
router.add_router("", orders_router)
router.add_router("", reports_router)
router.add_router("/release", release_router)
router.add_router("/", rules_router)
router.add_router("/supplies", supplies_router)
