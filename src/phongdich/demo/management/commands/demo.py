import os

from django.core.management.base import BaseCommand, CommandError

from phongdich.demo.builder import build_demo, is_built


class Command(BaseCommand):
    help = "Build the demo province (Bình Dương, 2021) with synthetic residents and demo accounts for every role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=0.01,
            help="Share of the 2019 census population to generate (1 = all 2,426,561 residents).",
        )
        parser.add_argument("--seed", type=int, default=2021, help="Same seed, same province.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the demo province exists.")

    def handle(self, *args, scale, seed, if_empty, **options):
        if not 0 < scale <= 1:
            raise CommandError("--scale must be greater than 0 and at most 1.")
        if is_built():
            if if_empty:
                self.stdout.write("The demo province is already built; leaving it as it is.")
                return
            raise CommandError("The database already holds province 74. Use a fresh database for the demo.")
        self.stdout.write(f"Building the demo province at scale {scale} (seed {seed})…")
        result = build_demo(scale=scale, seed=seed, log=self.stdout.write)
        self.stdout.write(
            f"Built {result.persons:,} residents in {result.households:,} households and {result.groups:,} "
            f"residential groups in {result.seconds:.1f} s."
        )
        if result.outbreak:
            outbreak = result.outbreak
            self.stdout.write(
                f"Outbreak: {outbreak.cases:,} cases, {outbreak.contacts:,} contacts, {outbreak.checkins:,} check-ins, "
                f"{outbreak.levels:,} current F-levels, {outbreak.clusters:,} clusters."
            )
        if result.testing:
            self.stdout.write(
                f"Testing: round 3 in Lái Thiêu, {result.testing.samples:,} samples in {result.testing.pools:,} pools."
            )
        if care := result.care:
            self.stdout.write(
                f"Care: {care.f0_home:,} F0 treated at home ({care.reports:,} self-reports, {care.alerts:,} alerts), "
                f"{care.f0_site:,} at a concentrated site; {care.f1_home:,} F1 quarantined at home, {care.f1_site:,} "
                f"at the site; {care.released:,} released today."
            )
        if tower := result.tower:
            self.stdout.write(
                f"Treatment tower: {tower.facilities:,} facilities, {tower.beds:,} beds, {tower.in_beds:,} patients in "
                f"them, {tower.left:,} discharged or died over four weeks; {tower.transfers:,} transfer requests, "
                "one accepted."
            )
        if stations := result.stations:
            self.stdout.write(
                f"Mobile stations: {stations.stations:,}; {stations.teams:,} community COVID teams; "
                f"{stations.staff:,} health staff recorded."
            )
        if supplies := result.supplies:
            self.stdout.write(
                f"Supplies: {supplies.movements:,} stock movements at {supplies.facilities:,} facilities, "
                f"{supplies.low or 'no site'} low on oxygen, {supplies.donations} donations partly allocated."
            )
        if levels := result.levels:
            self.stdout.write(
                f"Epidemic levels: {levels.published} weeks published, the week just ended proposed "
                f"({levels.red_communes} communes at level 4) and awaiting review."
            )
        if zones := result.zones:
            self.stdout.write(
                f"Lockdown areas: {zones.open} in force ({zones.red_points} red points), {zones.ended} ended, "
                f"{zones.ended_early} of them early; {zones.residents:,} residents inside."
            )
        if command := result.command:
            self.stdout.write(
                f"Command centre: daily figures of {command.days} days counted ({command.figure_rows:,} unit-days)."
            )
            if (directives := command.directives) and (duty := command.duty) and (reports := command.reports):
                self.stdout.write(
                    f"  {directives.directives} directives with {directives.tasks} tasks; {duty.entries} duty log "
                    f"entries over {duty.shifts} shifts, {duty.briefings} briefings; {reports.sent} situation "
                    f"reports sent up to the province."
                )
        password = os.environ.get("PHONGDICH_DEMO_PASSWORD", "demo")
        self.stdout.write(f"Demo accounts (password: {password}): " + ", ".join(result.accounts))
        self.stdout.write("The demo accounts share one password: serve them on 127.0.0.1 only.")
