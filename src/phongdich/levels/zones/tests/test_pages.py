"""The lockdown areas' pages: the list and its figures, an area's page with its residents for who may see them,
declaring, extending and lifting an area, and planning the testing round of its residents; who may open each."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.core.testing import unit
from phongdich.labs.models import TestingRound

from ...models import Zone
from ..services import zone_end, zone_extend
from .world import KP1, KP2, LAI_THIEU, SQUARE, august, days_from_now, declared, officer, resident

pytestmark = pytest.mark.django_db


def vi(msgid: str, **values) -> str:
    """A message as the Vietnamese pages write it."""
    with translation.override("vi"):
        text = _(msgid)
    return text % values if values else text


def local(moment) -> str:
    """A datetime-local field's value."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def ended_early() -> Zone:
    zone = declared(name="Vùng đỏ Khu phố 2", units=[unit(KP2)], starts_at=august(1), planned_end_at=august(15))
    return zone_end(actor=officer(), zone=zone, ended_at=august(11), end_reason="Hai lần xét nghiệm âm tính")


def test_the_list_shows_the_zones_and_the_figures_of_early_endings_and_durations(client_as, zone):
    ended_early()
    html = client_as("province_commander").get("/levels/zones/").content.decode()
    assert "Vùng đỏ Khu phố 1 – Phường Lái Thiêu" in html and "Vùng đỏ Khu phố 2" in html
    assert "10,0" in html  # the median duration of the ended zones, in days, written the Vietnamese way
    assert vi("%(early)s of the %(ended)s areas ended (%(share)s %%)", early=1, ended=1, share=100) in html


def test_the_early_endings_read_as_a_count_of_the_ended_areas_then_their_share(client_as, world):
    ended_early()
    on_time = declared(name="Vùng đỏ Khu phố 1", starts_at=august(2), planned_end_at=august(16))
    zone_end(actor=officer(), zone=on_time, ended_at=august(16))
    html = client_as("province_commander").get("/levels/zones/").content.decode()
    assert vi("%(early)s of the %(ended)s areas ended (%(share)s %%)", early=1, ended=2, share=50) in html
    assert vi("%(share)s %% of those ended", share=50) not in html  # not "50 % of the areas ended"


def test_the_filters_offer_the_platforms_empty_choice_and_name_the_area_zones_lie_in(client_as, zone):
    html = client_as("district_officer").get("/levels/zones/").content.decode()
    assert "---------" not in html and vi("- Select an option -") in html
    assert html.count(vi("In the area of")) >= 2  # the filter and the column


def test_the_list_shows_only_the_open_or_only_the_ended_zones(client_as, zone):
    ended_early()
    client = client_as("district_officer")
    open_only = client.get("/levels/zones/?state=open").content.decode()
    assert "Vùng đỏ Khu phố 1" in open_only and "Vùng đỏ Khu phố 2" not in open_only
    ended = client.get("/levels/zones/?state=ended_early").content.decode()
    assert "Vùng đỏ Khu phố 1" not in ended and "Vùng đỏ Khu phố 2" in ended


def test_the_list_costs_the_same_queries_with_more_zones(client_as, zone, queries_do_not_grow):
    declared(name="Điểm đỏ Lê Lợi", kind="red_point", units=[], addresses=["Số 40 Lê Lợi"])
    client = client_as("commune_officer")

    def more():
        for number in range(6):
            declared(name=f"Điểm đỏ số {number}", kind="red_point", units=[], addresses=[f"Số {number + 1} Lê Lợi"])
        ended_early()

    before, after = queries_do_not_grow(10, lambda: client.get("/levels/zones/"), more)
    assert before.status_code == after.status_code == 200 and "Điểm đỏ số 5" in after.content.decode()


def test_the_commune_officer_reads_the_residents_a_page_at_a_time_and_each_read_is_audited(client_as, zone):
    page = client_as("commune_officer").get(f"/levels/zones/{zone.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Lý Thị Thu" in html and "Phan Văn Lộc" not in html
    read = AuditEvent.objects.get(action="read", object_type="people.person", actor__username="commune_officer")
    assert read.unit_path == unit(LAI_THIEU).path and read.detail == {"zone": zone.pk, "page": 1, "persons": 3}


def test_the_analyst_sees_the_zone_and_how_many_live_inside_but_not_who(client_as, zone):
    html = client_as("analyst").get(f"/levels/zones/{zone.pk}/").content.decode()
    assert "Vùng đỏ Khu phố 1" in html and "<strong>3</strong>" in html
    assert "Lý Thị Thu" not in html and not AuditEvent.objects.filter(action="read", actor__username="analyst")


def test_an_officer_of_another_commune_finds_no_such_zone_and_an_outsider_is_refused(client_as, zone):
    assert client_as("other_commune").get(f"/levels/zones/{zone.pk}/").status_code == 404
    assert client_as("outsider").get(f"/levels/zones/{zone.pk}/").status_code == 403
    assert client_as("outsider").get("/levels/zones/").status_code == 403


def test_a_commune_officer_declares_a_red_point_from_the_page(client_as, world):
    resident("Võ Thị Hoa", KP1, "Số 12, Nguyễn Trãi")
    start = days_from_now(0)
    answer = client_as("commune_officer").post(
        "/levels/zones/new/",
        {
            "kind": "red_point",
            "name": "Điểm đỏ số 12 Nguyễn Trãi",
            "unit": unit(LAI_THIEU).pk,
            "addresses": "Số 12, Nguyễn Trãi\nHẻm 45 Lê Lợi\n",
            "starts_at": local(start),
            "planned_end_at": local(start + timedelta(days=14)),
            "leave_test": "rapid",
        },
    )
    zone = Zone.objects.get(name="Điểm đỏ số 12 Nguyễn Trãi")
    assert answer.status_code == 302 and answer["Location"] == f"/levels/zones/{zone.pk}/"
    assert zone.addresses == ["Số 12, Nguyễn Trãi", "Hẻm 45 Lê Lợi"] and zone.created_by == officer("commune_officer")


def test_the_declare_page_offers_only_the_officers_units_and_shows_a_planned_end_before_the_start(client_as, world):
    client = client_as("commune_officer")
    form = client.get("/levels/zones/new/").content.decode()
    assert "Khu phố 1, Phường Lái Thiêu" in form and "Phường Hiệp Thành" not in form
    start = days_from_now(0)
    answer = client.post(
        "/levels/zones/new/",
        {
            "kind": "lockdown",
            "name": "Vùng đỏ Khu phố 1",
            "unit": unit(LAI_THIEU).pk,
            "units": [unit(KP1).pk],
            "starts_at": local(start),
            "planned_end_at": local(start - timedelta(days=1)),
        },
    )
    assert answer.status_code == 200 and not Zone.objects.exists()
    assert timezone.localtime(start - timedelta(days=1)).strftime("%d/%m/%Y %H:%M") in answer.content.decode()


def test_lifting_early_from_the_page_asks_why_then_records_it(client_as, zone):
    client = client_as("commune_officer")
    assert client.get(f"/levels/zones/{zone.pk}/end/").status_code == 200
    now = local(days_from_now(0))
    refused = client.post(f"/levels/zones/{zone.pk}/end/", {"ended_at": now, "end_reason": ""})
    assert refused.status_code == 200
    zone.refresh_from_db()
    assert zone.ended_at is None
    done = client.post(f"/levels/zones/{zone.pk}/end/", {"ended_at": now, "end_reason": "Hai lần âm tính"})
    zone.refresh_from_db()
    assert done.status_code == 302 and zone.ended_early and zone.end_reason == "Hai lần âm tính"


def test_extending_from_the_page_moves_the_planned_end_and_the_zone_page_lists_the_extension(client_as, zone):
    client = client_as("district_officer")
    later = zone.planned_end_at + timedelta(days=7)
    answer = client.post(
        f"/levels/zones/{zone.pk}/extend/", {"planned_end_at": local(later), "reason": "Còn ca mắc mới"}
    )
    zone.refresh_from_db()
    assert answer.status_code == 302 and zone.planned_end_at == later
    assert "Còn ca mắc mới" in client.get(f"/levels/zones/{zone.pk}/").content.decode()


def test_the_district_plans_the_testing_round_of_the_residents_from_the_zone_page(client_as, zone):
    client = client_as("district_officer")
    html = client.get(f"/levels/zones/{zone.pk}/").content.decode()
    assert f"/levels/zones/{zone.pk}/testing-round/" in html
    today = days_from_now(0).date().isoformat()
    answer = client.post(f"/levels/zones/{zone.pk}/testing-round/", {"starts_on": today, "ends_on": today})
    testing_round = TestingRound.objects.get(name__contains=zone.name)
    assert answer.status_code == 302 and answer["Location"] == f"/testing/rounds/{testing_round.pk}/"
    assert testing_round.name in client.get(f"/levels/zones/{zone.pk}/").content.decode()


def test_a_commune_officer_sees_no_testing_round_form_and_may_not_post_one(client_as, zone):
    client = client_as("commune_officer")
    assert "/testing-round/" not in client.get(f"/levels/zones/{zone.pk}/").content.decode()
    today = days_from_now(0).date().isoformat()
    assert client.post(f"/levels/zones/{zone.pk}/testing-round/", {"starts_on": today}).status_code == 403


def test_the_zone_page_draws_its_boundary_and_counts_nobody_inside_a_boundary_alone(client_as, world):
    zone = declared(units=[], polygon=SQUARE)
    html = client_as("province_commander").get(f"/levels/zones/{zone.pk}/").content.decode()
    assert "<polygon points=" in html and "<strong>0</strong>" in html


def test_an_ended_zone_offers_no_end_or_extension(client_as):
    zone = ended_early()
    html = client_as("district_officer").get(f"/levels/zones/{zone.pk}/").content.decode()
    assert f"/levels/zones/{zone.pk}/end/" not in html and "Hai lần xét nghiệm âm tính" in html


def test_the_declare_page_offers_no_residential_group_as_the_area_a_zone_lies_in(client_as, world):
    client = client_as("commune_officer")
    form = client.get("/levels/zones/new/").context["form"]
    assert not form.fields["unit"].queryset.filter(level="group").exists()
    assert form.fields["units"].queryset.filter(code=KP1).exists()  # a group is chosen among the units inside
    start = days_from_now(0)
    answer = client.post(
        "/levels/zones/new/",
        {
            "kind": "red_point",
            "name": "Điểm đỏ Khu phố 1",
            "unit": unit(KP1).pk,
            "addresses": "Số 12, Nguyễn Trãi",
            "starts_at": local(start),
            "planned_end_at": local(start + timedelta(days=14)),
        },
    )
    assert answer.status_code == 200 and not Zone.objects.exists()


def test_the_zone_page_says_which_area_the_zone_lies_in_not_who_decided(client_as, zone):
    html = client_as("district_officer").get(f"/levels/zones/{zone.pk}/").content.decode()
    assert vi("In the area of") in html and vi("Declared in") not in html


def test_an_extension_shows_the_day_it_was_recorded_on_the_domains_clock_and_who_recorded_it(client_as, world):
    zone = declared(starts_at=august(1), planned_end_at=august(15))
    clock.use(date(2021, 8, 12))  # the demo's builder, on the outbreak's day
    zone_extend(actor="demo", zone=zone, planned_end_at=august(22), reason="Còn ca mắc mới")
    clock.use(None)
    event = AuditEvent.objects.get(object_type="levels.zone", object_id=str(zone.pk), action="update")
    recorded = timezone.localtime(datetime.fromisoformat(event.detail["recorded_at"])).strftime("%d/%m/%Y %H:%M")
    html = client_as("district_officer").get(f"/levels/zones/{zone.pk}/").content.decode()
    assert recorded.startswith("12/08/2021")
    assert vi("Recorded on %(at)s by %(by)s", at=recorded, by=vi("system (demo data)")) in html
    extensions = html[html.index(vi("Extensions")) :].split("</section>")[0]
    assert "demo<" not in extensions and timezone.localtime(event.at).strftime("%d/%m/%Y") not in extensions


def test_an_extension_by_an_officer_shows_their_name(client_as, zone):
    zone_extend(actor=officer(), zone=zone, planned_end_at=zone.planned_end_at + timedelta(days=7), reason="Còn ca")
    html = client_as("district_officer").get(f"/levels/zones/{zone.pk}/").content.decode()
    assert f"{str(officer())}</small>" in html


def test_an_ended_zone_shows_the_test_to_leave_as_history_not_as_work_to_do(client_as, zone):
    ended = ended_early()
    client = client_as("commune_officer")
    html = client.get(f"/levels/zones/{ended.pk}/").content.decode()
    assert "Phan Văn Lộc" in html and vi("Test to leave, as the lockdown ended") in html
    assert "figure urgent" not in html and "badge-plain" not in html and vi("not sampled yet") not in html
    assert vi("not sampled during the lockdown") in html and f'<span class="muted">{vi("not sampled")}</span>' in html
    still_open = client.get(f"/levels/zones/{zone.pk}/").content.decode()
    assert "figure urgent" in still_open and vi("not sampled yet") in still_open
