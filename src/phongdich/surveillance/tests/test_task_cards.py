"""The door-to-door task list gives what a visit needs: the person's address and a phone to call."""

from phongdich.people.models import Person
from phongdich.surveillance.models import TracingTask


def thu(world):
    return world.person("Lý Thị Thu", "25966")


def test_the_task_list_shows_the_persons_address_and_a_phone_to_call(client_as, world):
    Person.objects.filter(pk=thu(world).pk).update(
        address="Số 12, đường Nguyễn Trãi, khu phố Đông", phone="+84912000111"
    )
    page = client_as("commune_officer").get("/tracing/tasks/").content.decode()
    assert 'data-label="Địa chỉ">Số 12, đường Nguyễn Trãi, khu phố Đông</td>' in page
    assert '<a href="tel:+84912000111">+84912000111</a>' in page


def test_the_task_list_gives_no_address_or_phone_of_a_person_outside_the_viewers_jurisdiction(client_as, world):
    person = thu(world)
    task = TracingTask.objects.get(person=person)
    Person.objects.filter(pk=person.pk).update(
        unit=world.unit("25741-01"), address="Số 8, đường Cách Mạng Tháng Tám", phone="+84912000222"
    )
    page = client_as("commune_officer").get("/tracing/tasks/").content.decode()
    assert f"/tracing/tasks/{task.pk}/" in page
    assert "Cách Mạng Tháng Tám" not in page and "+84912000222" not in page and "Lý Thị Thu" not in page
