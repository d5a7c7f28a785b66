"""Run as its own process on the database of PHONGDICH_DATABASE_URL (SQLite or PostgreSQL): a facility with its
last ICU beds free, the patients who will race for them and a province commander's API token, printed as JSON."""

import json
import sys

import django

django.setup()

from phongdich.accounts.models import User  # noqa: E402
from phongdich.accounts.roles import Role  # noqa: E402
from phongdich.accounts.services import api_token_create, role_assign  # noqa: E402
from phongdich.care.tower.services.facilities import facility_enrol  # noqa: E402
from phongdich.people.models import Person  # noqa: E402
from phongdich.places.models import AdminUnit, Facility  # noqa: E402

racers, beds = int(sys.argv[1]), int(sys.argv[2])
province = AdminUnit.objects.filter(parent=None).order_by("path").first() or AdminUnit.objects.create(
    structure="legacy", code="74", name="Tỉnh Bình Dương", level="province", path="legacy:74/", depth=0
)
user, created = User.objects.get_or_create(username="bench.race", defaults={"full_name": "Thử tải tiếp nhận"})
if created:
    role_assign(actor="bench", user=user, role=Role.PROVINCE_COMMANDER, unit=province)
_token, plain = api_token_create(actor="bench", user=user, name="race")
facility = Facility.objects.create(name=f"Bệnh viện thử tải {Facility.objects.count()}", kind="hospital", unit=province)
facility_enrol(actor="bench", facility=facility, tier=3, beds={"icu": beds})
people = Person.objects.bulk_create(
    [Person(full_name=f"Bệnh nhân thử tải {index}", birth_year=1970, unit=province) for index in range(racers)]
)
print(json.dumps({"token": plain, "facility": facility.pk, "people": [person.pk for person in people]}))
