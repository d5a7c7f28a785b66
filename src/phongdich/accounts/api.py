from ninja import Router, Schema

from .roles import ROLE_PERMISSIONS

router = Router(tags=["account"])


class AssignmentOut(Schema):
    role: str
    role_label: str
    place_type: str
    place_id: int
    place_name: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    assignments: list[AssignmentOut]
    permissions: list[str]


@router.get("/me", response=MeOut, summary="The current user, their role assignments and permissions")
def me(request):
    user = request.user
    assignments = []
    permissions: set[str] = set()
    for a in user.assignments_with_places():
        place = a.place
        assignments.append(
            {
                "role": a.role,
                "role_label": str(a.get_role_display()),
                "place_type": place._meta.model_name,
                "place_id": place.pk,
                "place_name": str(place),
            }
        )
        permissions |= ROLE_PERMISSIONS.get(a.role, frozenset())
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "assignments": assignments,
        "permissions": sorted(permissions),
    }
