"""A page links a related record only when the viewer may open it; otherwise it names it as plain text."""

from phongdich.surveillance.models import Case, Cluster


def test_a_case_page_links_its_cluster_for_those_who_may_open_it(client_as, world):
    case = Case.objects.filter(cluster__isnull=False).select_related("cluster").first()
    body = client_as("commune_officer").get(case.get_absolute_url()).content.decode()
    assert f'href="{case.cluster.get_absolute_url()}"' in body


def test_a_case_page_names_a_cluster_outside_the_viewers_area_without_a_link(client_as, world):
    case = Case.objects.filter(cluster__isnull=False).select_related("cluster").first()
    Cluster.objects.filter(pk=case.cluster_id).update(unit=world.unit("725"))  # spread to the district
    response = client_as("commune_officer")
    assert response.get(case.cluster.get_absolute_url()).status_code == 404
    body = response.get(case.get_absolute_url()).content.decode()
    assert str(case.cluster) in body and case.cluster.get_absolute_url() not in body
