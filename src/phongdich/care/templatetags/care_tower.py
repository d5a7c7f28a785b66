"""The bed board's rows and cells, written in Python: the province's board lists hundreds of facilities with a
cell per bed kind, where template tags per cell (or format_html's escaping of what are only numbers) cost more
than the figures themselves. Names are escaped; everything else is numbers and class names of ours."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from phongdich.core.templatetags.humanize_vi import num

from ..tower.choices import BED_KIND_SHORT, BedKind

register = template.Library()


def _cell(beds, free_word: str) -> str:
    if not beds.beds:
        return '<span class="muted">—</span>'
    held = f"+{num(beds.held)}" if beds.held else ""
    return (
        f'<span class="beds {beds.tone}"><strong>{num(beds.free)}</strong> {free_word}<br>'
        f"<small>{num(beds.occupied)}{held}/{num(beds.beds)}</small></span>"
    )


def _kind_cells(item, free_word: str) -> str:
    return "".join(
        f'<td data-label="{escape(BED_KIND_SHORT[kind])}">{_cell(beds, free_word)}</td>'
        for kind, beds in zip(BedKind.values, item.in_order, strict=True)
    )


@register.simple_tag
def kind_cells(item) -> str:
    """A cell per bed kind of a board row or group, each labelled with its kind for the phone's cards."""
    return mark_safe(_kind_cells(item, escape(_("free"))))


@register.simple_tag
def facility_rows(rows, facility_base: str) -> str:
    """The board's table body: a facility per row, its link, district and status, a cell per bed kind, the
    transfers waiting for its answer."""
    free_word, tier_word, asked_word = escape(_("free")), escape(_("Tier")), escape(_("Asked to take"))
    lines = []
    for row in rows:
        tower = row.tower
        status = (
            f' · <span class="badge badge-warn">{escape(tower.get_status_display())}</span>'
            if tower.status != "open"
            else ""
        )
        incoming = f'<span class="badge badge-warn">{num(row.incoming)}</span>' if row.incoming else "0"
        low = ' class="low-row"' if row.low else ""
        lines.append(
            f"<tr{low}>"
            f'<td><a href="{escape(facility_base)}{tower.facility_id}/">{escape(tower.facility.name)}</a><br>'
            f'<small class="muted">{escape(row.district)}{status}</small></td>'
            f'<td data-label="{tier_word}">{tower.tier}</td>{_kind_cells(row, free_word)}'
            f'<td class="num" data-label="{asked_word}">{incoming}</td></tr>'
        )
    return mark_safe("\n".join(lines))


@register.filter
def vitals_text(vitals: dict) -> str:
    """The vital signs a request or an admission carries, as the alerts write them; a dash when none."""
    parts = []
    if vitals.get("breathing_rate"):
        parts.append(_("breathing %(n)s/min") % {"n": vitals["breathing_rate"]})
    if vitals.get("spo2"):
        parts.append(f"SpO₂ {vitals['spo2']} %")
    if vitals.get("pulse"):
        parts.append(_("pulse %(n)s/min") % {"n": vitals["pulse"]})
    return " · ".join(parts) or "—"
