import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from phongdich.accounts.models import User
from phongdich.accounts.roles import ROLE_BINDINGS, Binding, Role
from phongdich.accounts.services import role_assign, user_create
from phongdich.places.choices import Structure
from phongdich.places.models import AdminUnit, Facility, Organisation


class Command(BaseCommand):
    help = "Create accounts and give them roles at a unit, facility or organisation (audited)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create an account; the password is read from standard input.")
        create.add_argument("username")
        create.add_argument("--full-name", default="")
        assign = sub.add_parser("assign", help="Give an account a role at a place.")
        assign.add_argument("username")
        assign.add_argument("--role", required=True, choices=Role.values)
        place = assign.add_mutually_exclusive_group(required=True)
        place.add_argument("--unit", help="GSO code of the unit (its whole subtree)")
        place.add_argument("--facility", type=int, help="facility id")
        place.add_argument("--organisation", type=int, help="organisation id")
        assign.add_argument("--structure", choices=Structure.values, default=Structure.LEGACY)
        sub.add_parser("roles", help="List the roles and the kind of place each is bound to.")

    def handle(self, *args, action, **options):
        try:
            if action == "create":
                password = sys.stdin.readline().rstrip("\n")
                user = user_create(
                    actor="cli", username=options["username"], full_name=options["full_name"], password=password
                )
                self.stdout.write(f"created {user.username}")
            elif action == "assign":
                user = User.objects.get(username=options["username"])
                assignment = role_assign(actor="cli", user=user, role=options["role"], **self._place(options))
                self.stdout.write(f"{user.username}: {assignment}")
            else:
                for role in Role:
                    self.stdout.write(f"{role.value:22} {ROLE_BINDINGS[role].value:13} {role.label}")
        except User.DoesNotExist as error:
            raise CommandError(f"No account {options['username']!r}.") from error
        except (AdminUnit.DoesNotExist, Facility.DoesNotExist, Organisation.DoesNotExist) as error:
            raise CommandError(f"No such place: {error}") from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

    @staticmethod
    def _place(options) -> dict:
        if options["unit"]:
            return {Binding.UNIT: AdminUnit.objects.get(structure=options["structure"], code=options["unit"])}
        if options["facility"]:
            return {Binding.FACILITY: Facility.objects.get(pk=options["facility"])}
        return {Binding.ORGANISATION: Organisation.objects.get(pk=options["organisation"])}
