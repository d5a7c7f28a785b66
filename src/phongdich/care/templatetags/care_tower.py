"""The bed board's rows and cells, written in Python: the province's board lists hundreds of facilities with a
cell per bed kind, where template tags per cell (or format_html's escaping of what are only numbers) cost more
than the figures themselves. Names are escaped; everything else is numbers and class names of ours."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from phongdich.core.templatetags.humanize_vi import num

register = template.Library()


@register.simple_tag
def beds_cell(beds) -> str:
    """Free beds in bold, then occupied(+held)/beds; a dash for a kind the place does not have."""
    return mark_safe(_cell(beds, escape(_("free"))))


def _cell(beds, free_word: str) -> str:
    if not beds.beds:
        return '<span class="muted">—</span>'
    held = f"+{num(beds.held)}" if beds.held else ""
    return (
        f'<span class="beds {beds.tone}"><strong>{num(beds.free)}</strong> {free_word}<br>'
        f"<small>{num(beds.occupied)}{held}/{num(beds.beds)}</small></span>"
    )


@register.simple_tag
def facility_rows(rows, facility_base: str) -> str:
    """The board's table body: a facility per row, its link, district and status, a cell per bed kind, the
    transfers waiting for its answer."""
    free_word = escape(_("free"))
    lines = []
    for row in rows:
        tower = row.tower
        status = (
            f' · <span class="badge badge-warn">{escape(tower.get_status_display())}</span>'
            if tower.status != "open"
            else ""
        )
        cells = "".join(f"<td>{_cell(beds, free_word)}</td>" for beds in row.in_order)
        incoming = f'<span class="badge badge-warn">{num(row.incoming)}</span>' if row.incoming else "0"
        low = ' class="low-row"' if row.low else ""
        lines.append(
            f"<tr{low}>"
            f'<td><a href="{escape(facility_base)}{tower.facility_id}/">{escape(tower.facility.name)}</a><br>'
            f'<small class="muted">{escape(row.district)}{status}</small></td><td>{tower.tier}</td>{cells}'
            f'<td class="num">{incoming}</td></tr>'
        )
    return mark_safe("\n".join(lines))
