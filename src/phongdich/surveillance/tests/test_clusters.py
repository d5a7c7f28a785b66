import re
from datetime import timedelta
from xml.etree import ElementTree

from django.utils import timezone

from phongdich.people.services import person_create
from phongdich.surveillance import clusters, views
from phongdich.surveillance.models import Case, Cluster
from phongdich.surveillance.selectors import cluster_graph, rules_in_force
from phongdich.surveillance.services import case_confirm, clusters_rebuild, contact_record


def cases_of(world):
    return Case.objects.get(person=world.person("Đỗ Văn Tâm", "25966")), Case.objects.get(
        person=world.person("Phan Văn Lộc", "25966")
    )


def new_case(world, name, group="25966-01", **values):
    officer = world.user("commune_officer")
    person = person_create(actor=officer, full_name=name, birth_year=1990, unit=world.unit(group))
    return case_confirm(
        actor=officer,
        person=person,
        confirmed_at=timezone.now() - timedelta(minutes=30),
        confirmation_test="rt_pcr",
        detection_setting="community",
        **values,
    )


def test_a_case_infected_by_another_starts_a_cluster_with_it(world):
    tam, loc = cases_of(world)
    assert tam.cluster_id == loc.cluster_id is not None
    cluster = tam.cluster
    assert cluster.size == 2 and cluster.status == "active"
    assert cluster.unit == world.unit("25966-01")  # where most cases live; the first case breaks the tie
    assert cluster.name.startswith("Khu phố 1, Phường Lái Thiêu – ")


def test_a_case_linked_to_nobody_stays_sporadic(world):
    assert new_case(world, "Trịnh Văn Đơn").cluster_id is None


def test_a_case_that_bridges_two_clusters_merges_them(world):
    tam, _loc = cases_of(world)
    first = new_case(world, "Hà Thị Một")
    second = new_case(world, "Hà Văn Hai", source_case=first)
    assert Case.objects.get(pk=second.pk).cluster_id not in (None, tam.cluster_id)
    officer = world.user("commune_officer")
    bridge_person = person_create(actor=officer, full_name="Cầu Văn Nối", birth_year=1985, unit=world.unit("25966-01"))
    contact_record(
        actor=officer,
        person=bridge_person,
        other=first.person,
        kind="household",
        first_at=timezone.now() - timedelta(hours=3),
    )
    case_confirm(
        actor=officer,
        person=bridge_person,
        confirmed_at=timezone.now() - timedelta(minutes=10),
        confirmation_test="rt_pcr",
        detection_setting="community",
        source_case=tam,
    )
    merged = Case.objects.get(pk=tam.pk).cluster
    assert merged.size == 5 and Cluster.objects.count() == 1
    assert set(merged.cases.values_list("pk", flat=True)) >= {tam.pk, first.pk, second.pk}


def test_a_cluster_closes_after_the_quiet_period(world):
    tam, _loc = cases_of(world)
    rules = rules_in_force()
    today = timezone.localdate()
    assert clusters.close_quiet(rules, today) == 0
    assert clusters.close_quiet(rules, today + timedelta(days=rules.cluster_quiet_days + 1)) == 1
    assert Cluster.objects.get(pk=tam.cluster_id).status == "closed"


def test_rebuilding_finds_the_same_clusters(world):
    tam, loc = cases_of(world)
    assert clusters_rebuild(actor="test") == 1
    tam.refresh_from_db()
    loc.refresh_from_db()
    assert tam.cluster_id == loc.cluster_id and tam.cluster.size == 2


def test_the_graph_shows_cases_and_their_contacts_in_generations(world):
    tam, loc = cases_of(world)
    nodes = {n.label: n for n in cluster_graph(world.user("commune_officer"), tam.cluster, max_level=1)}
    assert {label: n.level for label, n in nodes.items()} == {"Đỗ Văn Tâm": 0, "Phan Văn Lộc": 0, "Lý Thị Thu": 1}
    root = nodes["Đỗ Văn Tâm"]
    assert root.y == 0 and nodes["Phan Văn Lộc"].y == 1 and nodes["Lý Thị Thu"].y == 1
    assert (
        min(nodes["Phan Văn Lộc"].x, nodes["Lý Thị Thu"].x)
        <= root.x
        <= max(nodes["Phan Văn Lộc"].x, nodes["Lý Thị Thu"].x)
    )
    only_cases = cluster_graph(world.user("commune_officer"), tam.cluster, max_level=0)
    assert len(only_cases) == 2


def test_the_graph_hides_names_outside_the_viewers_jurisdiction(world):
    tam, _loc = cases_of(world)
    labels = {n.label for n in cluster_graph(world.user("analyst"), tam.cluster, max_level=1)}
    assert labels == {"F0", "F1"}


def test_the_cluster_page_draws_the_graph_in_a_bounded_number_of_queries(
    client_as, world, django_assert_max_num_queries
):
    tam, _loc = cases_of(world)
    client = client_as("district_officer")
    with django_assert_max_num_queries(12):
        page = client.get(f"/tracing/clusters/{tam.cluster_id}/?max_level=1")
    body = page.content.decode()
    assert body.count("<circle") == 3 and body.count("<line") == 2 and "Đỗ Văn Tâm" in body


def test_the_graph_api_lays_out_every_node(api_as, world):
    tam, _loc = cases_of(world)
    nodes = api_as("province_commander").get(f"/api/v1/clusters/{tam.cluster_id}/graph", {"max_level": 1}).json()
    assert sorted(n["level"] for n in nodes) == [0, 0, 1]
    assert all({"x", "y", "parent"} <= set(n) for n in nodes)


def test_every_number_in_the_graph_drawing_is_plain_on_a_vietnamese_page(client_as, world, monkeypatch):
    monkeypatch.setattr(views, "GRAPH_STEP_X", 1498.5)  # a wide graph, in fractions: what a locale would regroup
    tam, _loc = cases_of(world)
    body = client_as("district_officer").get(f"/tracing/clusters/{tam.cluster_id}/?max_level=1").content.decode()
    svg = ElementTree.fromstring(body[body.index("<svg") : body.index("</svg>") + len("</svg>")])
    numbers = []
    for element in svg.iter():
        attributes = element.attrib
        numbers += [
            float(attributes[name])
            for name in ("width", "height", "x1", "y1", "x2", "y2", "cx", "cy", "r")
            if name in attributes
        ]
        numbers += [float(n) for n in attributes.get("viewBox", "").split()]
        numbers += [float(n) for n in re.findall(r"[^\s()a-z]+", attributes.get("transform", ""))]
    assert len(numbers) > 20 and max(numbers) > 1000
