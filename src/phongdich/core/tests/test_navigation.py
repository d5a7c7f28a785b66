"""The menu: grouped by domain, only the links a role may open, its main tasks first; developer links and the
language switch in the account menu; an icon and a web manifest."""

import json
import re
from pathlib import Path

from django.contrib.staticfiles import finders

from phongdich.core.navigation import GROUPS, MAIN_TASKS


def menu(client, path="/") -> dict:
    return client.get(path).context["menu"]


def labels(links) -> list[str]:
    return [str(link["label"]) for link in links]


def everything(shown: dict) -> list[str]:
    return labels(shown["main"]) + [label for group in shown["groups"] for label in labels(group["links"])]


def section(html: str, css_class: str) -> str:
    """The HTML of the first element with this class, up to its closing tag (no nested elements of its kind)."""
    start = html.index(f'class="{css_class}"')
    tag = html.rfind("<", 0, start)
    name = re.match(r"<(\w+)", html[tag:]).group(1)
    return html[tag : html.index(f"</{name}>", start)]


def test_the_province_commanders_menu_is_grouped_by_domain(client_as):
    shown = menu(client_as("province_commander"))
    assert [str(group["label"]) for group in shown["groups"]] == [
        "Trung tâm chỉ huy",
        "Người dân và địa bàn",
        "Truy vết",
        "Xét nghiệm",
        "Tiêm chủng",
        "Điều trị, cách ly",
        "Tháp điều trị",
        "Trạm lưu động, nhân lực y tế",
        "Vật tư, tài trợ",
        "Cấp độ dịch",
        "Quản trị",  # the care rules, read by the command
    ]
    assert labels(shown["main"]) == [
        "Bảng điều khiển",
        "Ca bệnh",
        "Ổ dịch",
        "Tháp điều trị: giường bệnh",
        "Đợt xét nghiệm",
    ]
    assert len(everything(shown)) == len(set(everything(shown)))  # each link once


def test_the_menu_shows_only_the_links_a_role_may_open(client_as):
    team = everything(menu(client_as("community_team")))
    assert "Nhiệm vụ" in team and "Người dân" in team
    for not_theirs in ("Tài khoản", "Nhật ký", "Lô vắc xin", "Quy định truy vết", "Phòng xét nghiệm"):
        assert not_theirs not in team
    admin = everything(menu(client_as("system_admin")))
    assert "Tài khoản" in admin and "Ca bệnh" not in admin


def test_a_page_two_permissions_open_shows_once_in_the_first_group_that_lists_it(client_as):
    admin = menu(client_as("system_admin"))  # sets the sites' capacity, reads no order
    administration = next(group for group in admin["groups"] if str(group["label"]) == "Quản trị")
    assert "care:sites" in [link["name"] for link in administration["links"]]
    health_worker = menu(client_as("health_worker"))  # reads orders and sets capacity: the link under care only
    sites = [
        str(group["label"])
        for group in health_worker["groups"]
        for link in group["links"]
        if link["name"] == "care:sites"
    ]
    assert sites == ["Điều trị, cách ly"]


def test_a_commune_officers_main_tasks_come_first(client_as):
    shown = menu(client_as("commune_officer"))
    assert labels(shown["main"]) == ["Người dân", "Ca bệnh", "Phân loại F", "Nhiệm vụ", "Cảnh báo"]
    html = client_as("commune_officer").get("/").content.decode()
    assert html.index(">Người dân<") < html.index(">Mẫu gộp<")


def test_two_roles_put_both_roles_main_tasks_first(client_as):
    main = labels(menu(client_as("analyst_commune"))["main"])
    assert main == ["Bảng điều khiển", "Người dân", "Đơn vị", "Ca bệnh", "Đợt xét nghiệm"]  # in turn


def test_field_roles_have_no_api_link_in_the_menu_but_in_the_account_menu(client_as):
    for persona in ("commune_officer", "community_team", "health_worker", "lab_technician"):
        html = client_as(persona).get("/").content.decode()
        nav = section(html, "menu")
        account = section(html, "user-menu")
        assert "/api/v1/docs" not in nav and "/accounts/tokens/" not in nav
        assert "/api/v1/docs" in account and "/accounts/tokens/" in account
        assert 'name="language" value="en"' in account


def test_the_language_switch_stays_in_the_top_bar_before_logging_in(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'name="language" value="en"' in html and 'class="user-menu"' not in html


def test_the_menu_marks_the_page_open_by_the_longest_matching_link(client_as):
    shown = menu(client_as("commune_officer"), "/vaccination/sites/")
    active = [str(link["label"]) for group in shown["groups"] for link in group["links"] if link["active"]]
    assert active == ["Kho vắc xin"]


def test_every_main_task_names_a_link_of_the_menu():
    names = {link.url_name for group in GROUPS for link in group.links}
    assert {name for tasks in MAIN_TASKS.values() for name in tasks} <= names


def test_the_icon_and_the_web_manifest_are_linked_and_exist(client_as):
    html = client_as("commune_officer").get("/").content.decode()
    for name in ("icon.svg", "icon-32.png", "icon-192.png", "manifest.webmanifest"):
        assert f"phongdich/{name}" in html
    manifest = json.loads(Path(finders.find("phongdich/manifest.webmanifest")).read_text(encoding="utf-8"))
    assert manifest["lang"] == "vi" and manifest["theme_color"] == "#0b6e4f"
    assert all(finders.find(f"phongdich/{icon['src']}") for icon in manifest["icons"])
