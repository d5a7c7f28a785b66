"""Security headers: a strict Content-Security-Policy on every page, and the production settings of
docs/deploy.md passing `check --deploy`."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

DEPLOY_DOC = Path(settings.BASE_DIR).parent.parent / "docs" / "deploy.md"


def production_environment(tmp_path) -> dict[str, str]:
    """The variables of the production environment block in docs/deploy.md, with the placeholders filled."""
    block = DEPLOY_DOC.read_text(encoding="utf-8").split("/etc/phongdich.env` (mode 0600")[1].split("```sh")[1]
    variables = dict(re.findall(r"^(PHONGDICH_[A-Z_]+)=(\S+)", block.split("```")[0], re.M))
    variables["PHONGDICH_SECRET_KEY"] = secrets.token_urlsafe(50)
    variables["PHONGDICH_DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return variables


def test_the_production_settings_of_the_deploy_guide_pass_the_deployment_checks(tmp_path):
    environment = {**os.environ, **production_environment(tmp_path), "PHONGDICH_VAR_DIR": str(tmp_path)}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process, never in production
    checked = subprocess.run(
        [sys.executable, "-m", "phongdich.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stderr + checked.stdout
    assert "no issues" in checked.stdout


def test_every_page_carries_a_policy_without_inline_script_and_the_htmx_script_has_its_nonce(client_as):
    response = client_as("commune_officer").get("/persons/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["script-src"].startswith("'self' 'nonce-") and directives["object-src"] == "'none'"
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    assert f'nonce="{nonce}"' in response.content.decode()


def test_no_template_carries_an_inline_script_or_event_handler():
    """A handler in an attribute, or a <script> without src or nonce, would be blocked by the policy."""
    offenders = []
    for template in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"\son[a-z]+\s*=", text) or re.search(
            r"<script(?![^>]*\b(src|nonce|type=\"application/json\"))", text
        ):
            offenders.append(template.name)
        if re.search(r"<style(?![^>]*nonce)", text) or re.search(r'\sstyle="', text):
            offenders.append(template.name)
    assert offenders == []


def test_pages_name_an_icon_from_the_platforms_files_so_browsers_ask_for_no_favicon(client, world):
    from django.conf import settings

    response = client.get("/accounts/login/")
    images = response["Content-Security-Policy"].split("img-src", 1)[1].split(";", 1)[0]
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', response.content.decode())
    assert icons and all(icon.startswith(settings.STATIC_URL) for icon in icons) and "'self'" in images
