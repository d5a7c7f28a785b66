"""The level map: in the platform (`levels:map`, for whoever may see levels, each unit linking to its page) and on
the public page (`public_levels:map`, /cap-do-dich/, no login), with the map as SVG and PNG for the press.

A week is chosen with `week=` (its Monday, YYYY-MM-DD) or with the slider's `w=` (its place among the published
weeks, oldest 0); the depth with `depth=`; the public page's language with `lang=`. Anything else than a published
week, a depth that week assessed or a known language answers 404 (on the public addresses, a page that says so to
a visitor). The public page holds nothing that depends on who asks (no menu, no form token, no script), so it is
cached whole under the published weeks, the week, the depth, the language and how many of the week's effective
times have come: publishing an assessment changes the key, and so does a level coming into effect, so nothing
stale is served."""

from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from phongdich.core import clock
from phongdich.core.scoping import require_permission

from ..measures.selectors import measures_in_force, measures_table
from .selectors import (
    PublishedWeek,
    default_depth,
    depth_label,
    drawn_map,
    effective_times,
    map_depths,
    map_image,
    pending,
    published_weeks,
    weeks_stamp,
)

PUBLIC_MAX_AGE = 300  # seconds browsers and proxies may keep the public page and images
READS = ("GET", "HEAD")


def chosen(params, weeks: list[PublishedWeek]) -> tuple[PublishedWeek, int, dict[int, str]]:
    """The week and depth the query asks for: the latest week and its communes by default; 404 for anything that is
    not a published week or a depth it assessed."""
    week = _week(weeks, params.get("week"), params.get("w"))
    depths = map_depths(week)
    if not depths:
        raise Http404
    asked = params.get("depth")
    if asked in (None, ""):
        return week, default_depth(depths), depths
    if not (isinstance(asked, str) and asked.isdigit() and len(asked) <= 2 and int(asked) in depths):
        raise Http404
    return week, int(asked), depths


def _week(weeks: list[PublishedWeek], week: str | None, index: str | None) -> PublishedWeek:
    if week:
        try:
            monday = date.fromisoformat(week) if len(week) == 10 else None
        except ValueError:
            monday = None
        found = next((item for item in weeks if item.week == monday), None)
        if found is None:
            raise Http404
        return found
    if index:
        if not (index.isdigit() and len(index) <= 4 and int(index) < len(weeks)):
            raise Http404
        return weeks[int(index)]
    return weeks[-1]


def _neighbours(weeks: list[PublishedWeek], week: PublishedWeek) -> tuple[PublishedWeek | None, PublishedWeek | None]:
    index = weeks.index(week)
    return (weeks[index - 1] if index > 0 else None), (weeks[index + 1] if index + 1 < len(weeks) else None)


def _query(week: PublishedWeek, depth: int, **more) -> str:
    return urlencode({"week": week.week.isoformat(), "depth": depth, **{k: v for k, v in more.items() if v}})


def _context(weeks: list[PublishedWeek], week: PublishedWeek, depth: int, depths: dict[int, str], **more) -> dict:
    earlier, later = _neighbours(weeks, week)
    return {
        "weeks": weeks,
        "week": week,
        "index": weeks.index(week),
        "last_index": len(weeks) - 1,
        "earlier": earlier,
        "later": later,
        "depth": depth,
        "depth_choices": [(value, depth_label(level)) for value, level in depths.items()],
        "query": _query(week, depth, **more),
        "earlier_query": _query(earlier, depth, **more) if earlier else "",
        "later_query": _query(later, depth, **more) if later else "",
        "week_links": [
            {"label": item.label, "query": _query(item, depth, **more), "current": item == week}
            for item in reversed(weeks)
        ],
    }


def map_view(request):
    """The province's map of one published week in the platform: the SVG (each unit linking to its page), the week
    slider and depth choice, the legend with counts, the units at level 3 or 4, and the downloads."""
    require_permission(request.user, "levels.view_levelresult")
    if request.method not in READS:
        return HttpResponseNotAllowed(READS)
    weeks = published_weeks()
    if not weeks:
        return render(request, "levels/maps/map.html", {"weeks": []})
    week, depth, depths = chosen(request.GET, weeks)
    # Each unit's link from one reversed address: a reverse per unit costs more than the unit.
    drawn = drawn_map(week, depth, href_base=reverse("levels:allowed", args=[0]).removesuffix("0/"))
    now = clock.now()
    context = {**_context(weeks, week, depth, depths), "drawn": drawn, "now": now, "pending": pending(week, drawn, now)}
    return render(request, "levels/maps/map.html", context)


def _language(request) -> str:
    """The public page's language: `lang=` when given (404 for one the platform does not speak), else the
    visitor's choice or Vietnamese, as every page."""
    asked = request.GET.get("lang")
    if asked is None:
        return translation.get_language()
    if asked not in dict(settings.LANGUAGES):
        raise Http404
    return asked


def public_map(request):
    """/cap-do-dich/: the published levels for everyone, no login: the latest week by default, the slider over
    the published weeks, the legend, when the levels take effect (and whether they do yet), the map and its files,
    the counts by district and every unit's level, to find one's own ward. Anything not published answers a
    public 404 page."""
    if request.method not in READS:
        return HttpResponseNotAllowed(READS)
    try:
        return _public_map(request)
    except Http404:
        return _public_not_found(request)


def _public_map(request):
    language = _language(request)
    lang = request.GET.get("lang", "")
    with translation.override(language):
        weeks = published_weeks()
        if not weeks:
            html = render_to_string("levels/maps/public.html", {"weeks": [], "lang": lang, "language": language})
            return _public(HttpResponse(html), language)
        week, depth, depths = chosen(request.GET, weeks)
        demo = clock.demo_day()
        now = clock.now()
        # Which of the week's times have come: the page says "not yet in effect" until they do.
        phase = sum(1 for at in {week.effective_at, *effective_times(week, depth)} if at and at <= now)
        # Kept as long as browsers may keep it: a new version of the measures shows within PUBLIC_MAX_AGE.
        key = (
            f"levels-map:public:{weeks_stamp(weeks)}:{week.stamp}:{depth}:{language}:{lang or '-'}:{demo or '-'}"
            f":{phase}"
        )
        html = cache.get(key)
        if html is None:
            measures = measures_in_force()
            drawn = drawn_map(week, depth)
            context = {
                **_context(weeks, week, depth, depths, lang=lang),
                "drawn": drawn,
                "now": now,
                "pending": pending(week, drawn, now),
                "lang": lang,
                "language": language,
                "languages": [(code, _query(week, depth, lang=code)) for code, _name in settings.LANGUAGES],
                "demo_day": demo,
                "measures": measures,
                "measure_rows": measures_table(measures) if measures.pk else [],
            }
            html = render_to_string("levels/maps/public.html", context)
            cache.set(key, html, PUBLIC_MAX_AGE)
    return _public(HttpResponse(html), language)


def _public_not_found(request) -> HttpResponse:
    """The public 404: no such published week (or depth, or language), said to a visitor, not to an officer."""
    asked = request.GET.get("lang", "")
    lang = asked if asked in dict(settings.LANGUAGES) else ""
    language = lang or translation.get_language()
    with translation.override(language):
        context = {"not_found": True, "weeks": [], "lang": lang, "language": language, "demo_day": clock.demo_day()}
        html = render_to_string("levels/maps/public.html", context)
    response = HttpResponse(html, status=404)
    response["Content-Language"] = language
    return response


def public_map_image(request, fmt: str):
    """The map of a week (the latest by default) as a standalone SVG or a PNG, for the press; the public 404 page
    for what was not published."""
    if request.method not in READS:
        return HttpResponseNotAllowed(READS)
    try:
        language = _language(request)
        with translation.override(language):
            weeks = published_weeks()
            if not weeks:
                raise Http404
            week, depth, _depths = chosen(request.GET, weeks)
            body = map_image(week, depth, fmt)
    except Http404:
        return _public_not_found(request)
    content_type = "image/png" if fmt == "png" else "image/svg+xml; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="cap-do-dich-{week.week:%Y-%m-%d}-{depth}.{fmt}"'
    return _public(response, language)


def _public(response: HttpResponse, language: str) -> HttpResponse:
    """Anyone's cache may keep it for a few minutes; it differs by the language cookie."""
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    patch_vary_headers(response, ["Cookie"])
    response["Content-Language"] = language
    return response
