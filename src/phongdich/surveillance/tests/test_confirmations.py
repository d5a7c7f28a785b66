"""Irreversible actions ask first (a data-confirm question, in a danger button), and printable lists lead back."""

from phongdich.surveillance.models import Case


def _button(page: str, label: str) -> str:
    end = page.index(f">{label}</button>")
    return page[page.rindex("<button", 0, end) : end]


def test_closing_a_case_asks_for_confirmation_in_a_danger_button(client_as, world):
    case = Case.objects.get(person__full_name="Đỗ Văn Tâm")
    page = client_as("commune_officer").get(case.get_absolute_url()).content.decode()
    button = _button(page, "Kết thúc ca bệnh")
    assert 'class="danger"' in button and 'data-confirm="Kết thúc ca bệnh này? Không thể mở lại."' in button


def test_clearing_a_contact_asks_for_confirmation(client_as, world):
    thu = world.person("Lý Thị Thu", "25966")
    page = client_as("commune_officer").get(thu.get_absolute_url()).content.decode()
    assert 'data-confirm="Gỡ mức F của người này? Việc truy vết họ sẽ dừng."' in page


def test_revoking_a_certificate_asks_for_confirmation_in_a_danger_button(client_as, world):
    from phongdich.vaccination.models import Certificate

    page = client_as("commune_officer").get(Certificate.objects.get().get_absolute_url()).content.decode()
    button = _button(page, "Thu hồi chứng nhận này")
    assert 'class="danger"' in button and "data-confirm=" in button


def test_the_walking_list_links_back_to_the_tasks_of_its_unit_but_not_on_paper(client_as, world):
    group = world.unit("25966-01")
    page = client_as("community_team").get(f"/tracing/tasks/walking-list/{group.pk}/").content.decode()
    assert f'<p class="no-print"><a href="/tracing/tasks/?unit={group.pk}">' in page
