"""The bed board's cells, written in Python: the board shows one per bed kind for each of hundreds of facilities,
where an included template (or format_html's escaping of what are only numbers) per cell costs more than the
figures themselves."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from phongdich.core.templatetags.humanize_vi import num

register = template.Library()


@register.simple_tag
def beds_cell(beds) -> str:
    """Free beds in bold, then occupied(+held)/beds; a dash for a kind the place does not have."""
    if not beds.beds:
        return mark_safe('<span class="muted">—</span>')
    held = f"+{num(beds.held)}" if beds.held else ""
    return mark_safe(  # numbers, a class name of ours and the escaped word "free"
        f'<span class="beds {beds.tone}"><strong>{num(beds.free)}</strong> {escape(_("free"))}<br>'
        f"<small>{num(beds.occupied)}{held}/{num(beds.beds)}</small></span>"
    )
