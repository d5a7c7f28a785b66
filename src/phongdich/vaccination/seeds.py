"""The vaccine products (EU/WHO value-set codes, series rules) and the vaccination rules the platform starts
with. Province administrators change them as rows; this is only where they start."""

from datetime import date

# EU/WHO value-set codes (vaccine-medicinal-product, vaccine-prophylaxis, vaccine-mah-manf) and series rules.
PRODUCTS = [
    ("EU/1/20/1528", "Comirnaty (Pfizer-BioNTech)", "1119349007", "ORG-100030215", "Biontech Manufacturing GmbH", 2, 21, ["Pfizer", "Pfizer-BioNTech", "Comirnaty"]),
    ("EU/1/20/1507", "Spikevax (Moderna)", "1119349007", "ORG-100031184", "Moderna Biotech Spain S.L.", 2, 28, ["Moderna", "Spikevax"]),
    ("EU/1/21/1529", "Vaxzevria (AstraZeneca)", "J07BX03", "ORG-100001699", "AstraZeneca AB", 2, 28, ["AstraZeneca", "AZ", "Vaxzevria"]),
    ("EU/1/20/1525", "Jcovden (Janssen)", "J07BX03", "ORG-100001417", "Janssen-Cilag International", 1, 0, ["Janssen", "Johnson & Johnson", "J&J"]),
    ("BBIBP-CorV", "Sinopharm BBIBP-CorV (Vero Cell)", "J07BX03", "ORG-100020693", "China Sinopharm International Corp. - Beijing location", 2, 21, ["Sinopharm", "Vero Cell", "Verocell"]),
    ("Sputnik-V", "Sputnik V", "J07BX03", "Gamaleya-Research-Institute", "Gamaleya Research Institute", 2, 21, ["Sputnik V", "Gam-COVID-Vac"]),
    ("Abdala", "Abdala", "1119305005", "CIGB", "Center for Genetic Engineering and Biotechnology", 3, 14, ["Abdala", "CIGB-66"]),
    ("Hayat-Vax", "Hayat-Vax", "J07BX03", "ORG-100023050", "Gulf Pharmaceutical Industries", 2, 21, ["Hayat-Vax", "Hayat Vax"]),
    ("Covaxin", "Covaxin", "J07BX03", "Bharat-Biotech", "Bharat Biotech", 2, 28, ["Covaxin", "BBV152"]),
    ("CoronaVac", "CoronaVac (Sinovac)", "J07BX03", "Sinovac-Biotech", "Sinovac Biotech", 2, 14, ["Sinovac", "CoronaVac"]),
    ("EU/1/21/1618", "Nuvaxovid (Novavax)", "1119305005", "ORG-100032020", "Novavax CZ a.s.", 2, 21, ["Novavax", "Nuvaxovid"]),
]  # fmt: skip

FRONT_LINE = ["Nhân viên y tế", "Công an", "Quân đội", "Giáo viên", "Tài xế", "Công chức"]
# (effective from, document, document dated, booster after (days), certificate valid (days), front line)
RULES = [
    (
        date(2021, 3, 8),
        "Nghị quyết 21/NQ-CP (26/02/2021): đối tượng ưu tiên tiêm vắc xin phòng COVID-19",
        date(2021, 2, 26),
        90,
        365,
        FRONT_LINE,
    ),
    (
        date(2021, 11, 20),
        "Công văn 10225/BYT-DP (20/11/2021): tiêm mũi nhắc lại sau ít nhất 3 tháng",
        date(2021, 11, 20),
        90,
        365,
        FRONT_LINE,
    ),
    (
        date(2021, 12, 29),
        "Quyết định 5772/QĐ-BYT (29/12/2021): chứng nhận tiêm chủng COVID-19 có giá trị 12 tháng",
        date(2021, 12, 29),
        90,
        365,
        FRONT_LINE,
    ),
]


def seed(product_model, rules_model) -> None:
    """The products and rules, unless already there (the migration's historical models, or the real ones)."""
    for code, name, vp, ma, manufacturer, series, interval, aliases in PRODUCTS:
        product_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "prophylaxis": vp,
                "manufacturer_code": ma,
                "manufacturer": manufacturer,
                "series_doses": series,
                "min_interval_days": interval,
                "aliases": aliases,
            },
        )
    dated = {field.name for field in rules_model._meta.get_fields()} >= {"document_date"}  # not yet in 0002
    for effective_from, document, document_date, booster, valid, front_line in RULES:
        rules_model.objects.get_or_create(
            effective_from=effective_from,
            defaults={
                **({"document_date": document_date} if dated else {}),
                "source_document": document,
                "booster_min_days": booster,
                "certificate_valid_days": valid,
                "front_line_occupations": front_line,
            },
        )
