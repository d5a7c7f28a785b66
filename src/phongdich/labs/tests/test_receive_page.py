"""The lab's receiving desk lists the pools on their way to it, and the walking list of a round leads back."""

from phongdich.labs.models import Pool, TestingRound


def test_the_receive_page_lists_the_pools_sent_to_the_lab_and_not_yet_received(client_as, world):
    page = client_as("lab_technician").get("/testing/receive/").content.decode()
    assert "LT-POOL-0001" in page


def test_a_received_pool_is_no_longer_expected(client_as, world):
    client = client_as("lab_technician")
    lab = client.get("/testing/receive/").context["form"].fields["lab"].queryset.get()
    client.post("/testing/receive/", {"lab": lab.pk, "barcodes": "LT-POOL-0001\n"})
    assert Pool.objects.get(barcode="LT-POOL-0001").status == "received"
    assert "LT-POOL-0001" not in client.get("/testing/receive/").content.decode()


def test_a_pool_not_yet_sent_is_not_expected(client_as, world):
    Pool.objects.filter(barcode="LT-POOL-0001").update(status="open")
    page = client_as("lab_technician").get("/testing/receive/").content.decode()
    assert "LT-POOL-0001" not in page and "Không có mẫu gộp nào đang được gửi tới phòng xét nghiệm." in page


def test_the_printable_household_list_of_a_round_links_back_to_the_round(client_as, world):
    testing_round = TestingRound.objects.get(name="Xét nghiệm toàn dân đợt 1")
    group = world.unit("25966-01")
    page = client_as("commune_officer").get(f"/testing/rounds/{testing_round.pk}/groups/{group.pk}/").content.decode()
    assert f'<p class="no-print"><a href="{testing_round.get_absolute_url()}">' in page
