"""/api/v1/care/: each part of care adds its router here."""

from ninja import Router

from .rules import router as rules_router

router = Router(tags=["care"])
router.add_router("/", rules_router)
