from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """Resolution 128/NQ-CP's four levels of epidemic risk."""

    LOW = 1, _("Level 1 – low (new normal)")
    MEDIUM = 2, _("Level 2 – medium")
    HIGH = 3, _("Level 3 – high")
    VERY_HIGH = 4, _("Level 4 – very high")


COLOURS = {1: "#2e7d32", 2: "#f2c200", 3: "#ef6c00", 4: "#c62828"}
NO_LEVEL_COLOUR = "#9e9e9e"
COLOUR_NAMES = {1: _("green"), 2: _("yellow"), 3: _("orange"), 4: _("red")}


class CoverageClass(models.TextChoices):
    HIGH = "high", _("High coverage")
    LOW = "low", _("Low coverage")


class CapacityRule(models.TextChoices):
    """What a unit that fails the treatment-capacity criterion gets (4800 leaves this open: a ruleset option)."""

    NONE = "none", _("Capacity does not change the level")
    NO_LOWER = "no_lower", _("The level may not be lowered")
    RAISE = "raise", _("Raised one level")


class Aggregation(models.TextChoices):
    """How a higher unit (district, province) gets its level."""

    CHILDREN = "children", _("From the levels of its units (Decision 2686)")
    OWN_DATA = "own_data", _("From its own data (as Ho Chi Minh City did)")


class Indicator(models.TextChoices):
    ONE_DOSE = "one_dose", _("at least one dose")
    FULL = "full", _("fully vaccinated")


class CoveragePopulation(models.TextChoices):
    ALL = "all", _("whole population")
    ADULTS = "18+", _("aged 18 and over")
    ELDERS = "65+", _("aged 65 and over")


class CapacityMetric(models.TextChoices):
    MOBILE_STATIONS = "mobile_stations", _("mobile medical stations")
    CARE_TEAMS_PER_10K = "care_teams_per_10k", _("community F0 care teams per 10,000 people")
    BEDS_PER_100K = "beds_per_100k", _("COVID beds per 100,000 people")
    FREE_BEDS_PER_100K = "free_beds_per_100k", _("free COVID beds per 100,000 people")
    ICU_BEDS_PER_100K = "icu_beds_per_100k", _("ICU beds per 100,000 people")


class Outcome(models.TextChoices):
    ASSESSED = "assessed", _("Assessed")
    NO_POPULATION = "no_population", _("No population recorded: no level")


class ResultStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting review")
    APPROVED = "approved", _("Approved, awaiting publication")
    PUBLISHED = "published", _("Published")


class AssessmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting review")
    PUBLISHED = "published", _("Published")


class CapacitySource(models.TextChoices):
    TOWER = "tower", _("treatment tower and mobile stations")
    ENTERED = "entered", _("figures entered for the unit")
    NONE = "none", _("no capacity data")


class ZoneKind(models.TextChoices):
    LOCKDOWN = "lockdown", _("Lockdown area (red zone)")
    RED_POINT = "red_point", _("Red point")


class LeaveTest(models.TextChoices):
    NONE = "", _("No test")
    RAPID = "rapid", _("Rapid antigen test of every resident")
    PCR = "pcr", _("RT-PCR test of every resident")


class Activity(models.TextChoices):
    """The activities of Resolution 128's annex."""

    FACTORIES = "factories", _("Factories and production")
    CONSTRUCTION = "construction", _("Construction sites")
    GOODS_TRANSPORT = "goods_transport", _("Goods transport")
    MALLS = "malls", _("Shopping malls, supermarkets and wholesale markets")
    MARKETS = "markets", _("Traditional markets")
    RESTAURANTS = "restaurants", _("Restaurants and cafés")
    NIGHTLIFE = "nightlife", _("Bars, karaoke, massage, gaming and beauty services")
    TOURISM = "tourism", _("Hotels and tourist sites")
    SCHOOLS = "schools", _("Schools")
    RELIGION = "religion", _("Religious gatherings")
    PUBLIC_TRANSPORT = "public_transport", _("Public transport")
    MEETINGS = "meetings", _("Meetings indoors")
    GATHERINGS = "gatherings", _("Gatherings outside offices, schools and hospitals")
    TRAVEL = "travel", _("Travel to and from the area")


class MeasureStatus(models.TextChoices):
    OPEN = "open", _("Open")
    LIMITED = "limited", _("Open with a limit")
    CLOSED = "closed", _("Closed")
    PROVINCE = "province", _("The province decides")


class LimitKind(models.TextChoices):
    PEOPLE = "people", _("a number of people")
    PERCENT = "percent", _("a share of capacity")
