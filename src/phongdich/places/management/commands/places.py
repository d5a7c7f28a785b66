from django.core.management.base import BaseCommand, CommandError

from phongdich.places.choices import Structure
from phongdich.places.services import geometry_import, population_import, units_load


class Command(BaseCommand):
    help = "Load administrative units, import populations or unit geometry."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load one province's official units (GSO codes) from vietnam-provinces.")
        load.add_argument("--province", type=int, required=True, help="GSO province code, e.g. 74 (Bình Dương).")
        load.add_argument("--structure", choices=Structure.values, default=Structure.LEGACY)
        population = sub.add_parser(
            "import-population", help="CSV columns: code,total,age_18_plus,age_65_plus,age_12_17,age_5_11."
        )
        population.add_argument("file")
        population.add_argument("--year", type=int, default=2019)
        population.add_argument("--structure", choices=Structure.values, default=Structure.LEGACY)
        geometry = sub.add_parser("import-geojson", help="A FeatureCollection whose features carry a unit code.")
        geometry.add_argument("file")
        geometry.add_argument("--code-property", default="code")
        geometry.add_argument("--structure", choices=Structure.values, default=Structure.LEGACY)

    def handle(self, *args, action, **options):
        if action == "load":
            try:
                report = units_load(actor="cli", province_code=options["province"], structure=options["structure"])
            except ValueError as error:
                raise CommandError(str(error)) from error
        elif action == "import-population":
            report = population_import(
                actor="cli", source=options["file"], year=options["year"], structure=options["structure"]
            )
        else:
            report = geometry_import(
                actor="cli",
                source=options["file"],
                structure=options["structure"],
                code_property=options["code_property"],
            )
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"{options.get('file', '')}: {error}")
            raise CommandError(f"{len(report.errors)} error(s); nothing was written.")
        self.stdout.write(f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}")
