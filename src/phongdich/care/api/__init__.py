"""/api/v1/care/: each part of care adds its router here."""

from ninja import Router

from .release import router as release_router

router = Router(tags=["care"])
router.add_router("/release", release_router)
