import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from phongdich.accounts.models import ApiToken, RoleAssignment, User
from phongdich.accounts.roles import Role
from phongdich.accounts.services import (
    api_token_create,
    api_token_revoke,
    api_token_user,
    role_assign,
    role_unassign,
    user_password_reset,
)
from phongdich.core.models import AuditEvent
from phongdich.core.scoping import OutOfScope
from phongdich.core.testing import PASSWORD


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_logging_in_and_out_is_audited(client, world):
    response = login(client, "commune_officer", PASSWORD)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="login", actor__username="commune_officer").exists()
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action="logout", actor__username="commune_officer").exists()
    assert client.get("/persons/").status_code == 302


def test_pages_redirect_to_login_when_not_logged_in(client, world):
    response = client.get("/persons/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, world, settings):
    settings.PHONGDICH_LOCKOUT_FAILURES = 3
    for _ in range(3):
        assert login(client, "commune_officer", "wrong").status_code == 200
    response = login(client, "commune_officer", PASSWORD)
    assert response.status_code == 200
    assert "locked" in response.content.decode().lower() or "khóa" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", actor_label="commune_officer").count() == 3


def test_a_successful_login_clears_earlier_failures(client, world, settings):
    settings.PHONGDICH_LOCKOUT_FAILURES = 3
    login(client, "commune_officer", "wrong")
    login(client, "commune_officer", "wrong")
    assert login(client, "commune_officer", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    login(client, "commune_officer", "wrong")
    login(client, "commune_officer", "wrong")
    assert login(client, "commune_officer", PASSWORD).status_code == 302


def test_changing_the_password(client_as):
    client = client_as("commune_officer")
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Lái Thiêu 2021!x", "new_password2": "Lái Thiêu 2021!x"},
    )
    assert response.status_code == 302


def test_changing_ones_password_revokes_ones_api_tokens_and_says_so(client_as, world):
    officer = world.user("commune_officer")
    _token, plain = api_token_create(actor=officer, user=officer, name="Ứng dụng truy vết")
    client = client_as("commune_officer")
    assert "thu hồi các mã API" in client.get("/accounts/password/").content.decode()
    new = "Lái Thiêu 2021!x"
    done = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}, follow=True
    )
    assert "1 mã API đã bị thu hồi" in done.content.decode()
    assert api_token_user(plain) is None
    assert client.get("/persons/").status_code == 200  # the session itself survives the change
    revoked = AuditEvent.objects.get(action="token", object_id=str(_token.pk), detail__event="revoked")
    assert revoked.detail["reason"] == "password changed" and revoked.unit_path == "legacy:74/725/25966/"
    assert AuditEvent.objects.filter(action="update", object_type="accounts.user", detail__tokens_revoked=1).exists()


def test_an_administrator_resets_a_password_and_the_accounts_tokens_are_revoked(client_as, world):
    officer = world.user("commune_officer")
    _token, plain = api_token_create(actor=officer, user=officer, name="Ứng dụng truy vết")
    page = client_as("system_admin").post(
        f"/accounts/users/{officer.pk}/password/", {"password": "Thuận An 2021!reset"}, follow=True
    )
    assert "Đã đặt lại mật khẩu" in page.content.decode() and "1 mã API đã bị thu hồi" in page.content.decode()
    assert api_token_user(plain) is None
    officer.refresh_from_db()
    assert officer.check_password("Thuận An 2021!reset")
    row = AuditEvent.objects.get(action="update", object_type="accounts.user", object_id=str(officer.pk))
    assert row.actor_label == "system_admin" and row.detail == {"event": "password reset", "tokens_revoked": 1}


def test_an_administrator_cannot_reset_the_password_of_an_account_outside_their_jurisdiction(client, world):
    admin = User.objects.create_user(username="quan_tri_thu_dau_mot", password=PASSWORD)
    role_assign(actor="test", user=admin, role=Role.SYSTEM_ADMIN, unit=world.unit("718"))
    client.force_login(admin)
    officer = world.user("commune_officer")
    assert client.post(f"/accounts/users/{officer.pk}/password/", {"password": "Thuận An 2021!x"}).status_code == 404
    with pytest.raises(OutOfScope):
        user_password_reset(actor=admin, user=officer, password="Thuận An 2021!x")


def test_session_and_csrf_cookies_are_http_only(client, world, settings):
    response = client.get("/accounts/login/")
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert response.cookies["csrftoken"]["samesite"] == "Lax"


def test_api_tokens_are_stored_hashed_and_shown_once(world):
    user = world.user("commune_officer")
    token, plain = api_token_create(actor=user, user=user, name="scanner")
    assert plain.startswith("pd_") and plain not in token.digest and token.digest != plain
    assert api_token_user(plain) == user
    assert api_token_user(plain + "x") is None
    api_token_revoke(actor=user, token=token)
    assert api_token_user(plain) is None


def test_an_expired_token_is_refused(world):
    from datetime import timedelta

    from django.utils import timezone

    user = world.user("commune_officer")
    token, plain = api_token_create(actor=user, user=user, name="old")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_token_user(plain) is None


def test_a_revoked_token_or_removed_role_takes_effect_at_once_in_the_same_process(world):
    user = world.user("commune_officer")
    token, plain = api_token_create(actor=user, user=user, name="scanner")
    assert api_token_user(plain).scope_rows()  # now answered from the per-process cache
    role_unassign(actor=world.user("system_admin"), assignment=user.role_assignments.get())
    assert api_token_user(plain).scope_rows() == []
    api_token_revoke(actor=user, token=token)
    assert api_token_user(plain) is None


def test_another_process_revoking_a_token_is_seen_within_the_cache_period(world, settings, monkeypatch):
    from django.utils import timezone

    from phongdich.accounts import services

    settings.PHONGDICH_API_AUTH_CACHE_SECONDS = 10
    clock = [1000.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: clock[0])
    user = world.user("commune_officer")
    token, plain = api_token_create(actor=user, user=user, name="scanner")
    assert api_token_user(plain) == user
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())  # no signal, as in another worker
    clock[0] += 9
    assert api_token_user(plain) == user
    clock[0] += 2
    assert api_token_user(plain) is None


def test_with_the_cache_off_every_call_checks_the_token(world, settings):
    from django.utils import timezone

    settings.PHONGDICH_API_AUTH_CACHE_SECONDS = 0
    user = world.user("commune_officer")
    token, plain = api_token_create(actor=user, user=user, name="scanner")
    assert api_token_user(plain) == user
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert api_token_user(plain) is None


def test_the_tokens_page_creates_and_revokes(client_as, world):
    client = client_as("commune_officer")
    response = client.post("/accounts/tokens/", {"name": "máy quét", "days_valid": 30})
    plain = response.context["created"]
    assert plain.startswith("pd_")
    token = ApiToken.objects.get(name="máy quét")
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    other = client_as("district_officer")
    assert other.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404


def test_me_describes_the_user_and_their_assignments(api_as):
    body = api_as("health_worker").get("/api/v1/me").json()
    assert body["username"] == "health_worker"
    assert body["assignments"][0]["place_type"] == "facility"
    assert "people.view_person" in body["permissions"] and "people.merge_person" not in body["permissions"]


def test_a_role_must_be_bound_to_its_kind_of_place(world):
    assignment = RoleAssignment(user=world.user("outsider"), role=Role.HEALTH_WORKER, unit=world.unit("25966"))
    with pytest.raises(ValidationError):
        assignment.clean()


def test_an_assignment_is_bound_to_exactly_one_place(world):
    from phongdich.places.models import Facility

    with pytest.raises(IntegrityError):
        RoleAssignment.objects.create(
            user=world.user("outsider"),
            role=Role.COMMUNE_OFFICER,
            unit=world.unit("25966"),
            facility=Facility.objects.first(),
        )


def test_an_administrator_creates_an_account_and_gives_it_a_role_from_the_command_line(world, monkeypatch, capsys):
    import io

    from django.core.management import call_command

    monkeypatch.setattr("sys.stdin", io.StringIO("Lái Thiêu 2021 an toàn\n"))
    call_command("users", "create", "xa.laithieu.2", "--full-name", "Võ Thị Sáu")
    call_command("users", "assign", "xa.laithieu.2", "--role", "commune_officer", "--unit", "25966")
    user = world.user("xa.laithieu.2")
    assert user.check_password("Lái Thiêu 2021 an toàn")
    assert [(a.role, a.unit.code) for a in user.role_assignments.all()] == [("commune_officer", "25966")]
    assert AuditEvent.objects.filter(action="create", object_type="accounts.roleassignment").exists()


def test_the_command_refuses_a_weak_password_and_a_role_at_the_wrong_kind_of_place(world, monkeypatch):
    import io

    from django.core.management import CommandError, call_command

    monkeypatch.setattr("sys.stdin", io.StringIO("123456\n"))
    with pytest.raises(CommandError):
        call_command("users", "create", "weak")
    with pytest.raises(CommandError):
        call_command("users", "assign", "outsider", "--role", "health_worker", "--unit", "25966")
    assert not RoleAssignment.objects.filter(user__username="outsider").exists()


def test_a_system_administrator_creates_an_account_and_gives_it_a_role(client_as, world):
    client = client_as("system_admin")
    response = client.post(
        "/accounts/users/new/",
        {"username": "to.laithieu2", "full_name": "Phạm Văn Đồng", "password": "Khu phố 2 an toàn"},
    )
    account = world.user("to.laithieu2")
    assert response.status_code == 302 and response["Location"] == f"/accounts/users/{account.pk}/"
    response = client.post(
        f"/accounts/users/{account.pk}/", {"role": "community_team", "unit": world.unit("25966-02").pk}
    )
    assert response.status_code == 302
    assert [(a.role, a.unit.code) for a in account.role_assignments.all()] == [("community_team", "25966-02")]
    assert AuditEvent.objects.filter(
        action="create", object_type="accounts.roleassignment", actor__username="system_admin"
    ).exists()


def test_a_role_needs_its_kind_of_place_in_the_form(client_as, world):
    client = client_as("system_admin")
    outsider = world.user("outsider")
    response = client.post(f"/accounts/users/{outsider.pk}/", {"role": "health_worker", "unit": world.unit("25966").pk})
    assert response.status_code == 200
    assert "facility" in response.context["form"].errors
    assert not outsider.role_assignments.exists()


def test_a_district_administrator_manages_only_accounts_and_places_of_the_district(client, world):
    from phongdich.accounts.services import role_assign, user_create

    admin = user_create(actor="test", username="quantri.thuanan", password="Thuận An 2021 an toàn")
    role_assign(actor="test", user=admin, role="system_admin", unit=world.unit("725"))
    client.force_login(admin)
    listed = {a.username for a in client.get("/accounts/users/").context["accounts"]}
    assert {"commune_officer", "district_officer", "outsider"} <= listed
    assert "other_commune" not in listed and "province_commander" not in listed
    assert client.get(f"/accounts/users/{world.user('other_commune').pk}/").status_code == 404
    outsider = world.user("outsider")
    response = client.post(
        f"/accounts/users/{outsider.pk}/", {"role": "commune_officer", "unit": world.unit("25741").pk}
    )
    assert response.status_code == 200 and not outsider.role_assignments.exists()


def test_removing_a_role_and_deactivating_an_account_are_audited(client_as, world):
    client = client_as("system_admin")
    officer = world.user("commune_officer")
    assignment = officer.role_assignments.get()
    client.post(f"/accounts/assignments/{assignment.pk}/remove/")
    assert not officer.role_assignments.exists()
    assert AuditEvent.objects.filter(action="delete", object_type="accounts.roleassignment").exists()
    client.post(f"/accounts/users/{officer.pk}/active/", {"active": "0"})
    officer.refresh_from_db()
    assert not officer.is_active
    assert AuditEvent.objects.filter(action="update", object_type="accounts.user", after={"is_active": False}).exists()


def test_an_administrator_cannot_deactivate_themself(client_as, world):
    admin = world.user("system_admin")
    client_as("system_admin").post(f"/accounts/users/{admin.pk}/active/", {"active": "0"})
    admin.refresh_from_db()
    assert admin.is_active


@pytest.mark.parametrize("persona", ["province_commander", "commune_officer", "outsider"])
def test_only_administrators_may_remove_roles_or_deactivate_accounts(client_as, world, persona):
    officer = world.user("district_officer")
    assignment = officer.role_assignments.get()
    client = client_as(persona)
    assert client.post(f"/accounts/assignments/{assignment.pk}/remove/").status_code == 403
    assert client.post(f"/accounts/users/{officer.pk}/active/", {"active": "0"}).status_code == 403
    officer.refresh_from_db()
    assert officer.is_active and officer.role_assignments.exists()


def test_a_district_administrator_cannot_deactivate_a_province_commander_who_also_holds_a_commune_role(
    client_as, world
):
    commander = world.user("commander_commune")
    client = client_as("district_admin")
    assert client.get(f"/accounts/users/{commander.pk}/").status_code == 404
    assert client.post(f"/accounts/users/{commander.pk}/active/", {"active": "0"}).status_code == 404
    commander.refresh_from_db()
    assert commander.is_active
    assert "commander_commune" not in {a.username for a in client.get("/accounts/users/").context["accounts"]}


def test_every_account_service_checks_the_whole_account_is_inside_the_administrators_jurisdiction(world):
    from phongdich.accounts.services import role_assign, user_set_active

    admin, commander = world.user("district_admin"), world.user("commander_commune")
    with pytest.raises(OutOfScope):
        user_set_active(actor=admin, user=commander, active=False)
    with pytest.raises(OutOfScope):
        role_assign(actor=admin, user=commander, role=Role.COMMUNITY_TEAM, unit=world.unit("25966-01"))
    with pytest.raises(OutOfScope):
        role_unassign(actor=admin, assignment=commander.role_assignments.get(role=Role.COMMUNE_OFFICER))
    commander.refresh_from_db()
    assert commander.is_active and commander.role_assignments.count() == 2
    user_set_active(actor=admin, user=world.user("commune_officer"), active=False)
    assert not world.user("commune_officer").is_active


def test_the_tokens_page_shows_the_authorization_header_in_vietnamese(client_as):
    page = client_as("commune_officer").get("/accounts/tokens/").content.decode()
    assert "Authorization: Bearer &lt;mã truy cập&gt;" in page
