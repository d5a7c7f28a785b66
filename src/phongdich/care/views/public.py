"""The public self-report page a household opens from its card or SMS (/r/<token>/), without logging in.

The token in the address is the only credential: no session is involved, so the page's form is exempt from CSRF
(a forged request from another site could only send a reading to a link it already knows). The page's script
(static/phongdich/selfreport.js) keeps a reading made without a connection on the phone and sends it to this same
address, asking for JSON, once the connection returns; the client id makes a repeated sending harmless."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from phongdich.core import clock
from phongdich.core.ratelimit import allow, client_ip
from phongdich.core.views import add_form_errors

from ..choices import ReportSource
from ..forms import ReadingForm
from ..models import IsolationOrder, ReportLink
from ..services.reports import link_actor, link_orders, report_submit

TOKEN_MAX = 64  # a token is 43 characters; anything much longer is not looked up


@csrf_exempt
def self_report_page(request, token: str):
    link = ReportLink.objects.filter(token=token).first() if len(token) <= TOKEN_MAX else None
    if link is None:
        return _gone(request, "unknown", 404)
    orders = link_orders(link)
    if not orders:
        return _gone(request, "revoked" if link.revoked_at else "ended", 410)
    members = [_member(order) for order in orders]
    if request.method == "POST":
        return _post(request, link, members)
    return render(request, "care/self_report.html", _context(members))


def _member(order: IsolationOrder, form: ReadingForm | None = None, done=None) -> dict:
    """What the page shows of a household member: a first name and a year of birth, nothing else personal."""
    person = order.person
    birth_year = person.birth_year or (person.birth_date.year if person.birth_date else None)
    return {
        "order": order,
        "first_name": person.full_name.split()[-1] if person.full_name.split() else "",
        "birth_year": birth_year,
        "form": form or ReadingForm(auto_id=f"r{order.pk}_%s"),
        "done": done,
    }


def _context(members: list[dict]) -> dict:
    return {"members": members, "single": len(members) == 1}


def _post(request, link: ReportLink, members: list[dict]):
    wants_json = "application/json" in request.headers.get("Accept", "")
    asked = request.POST.get("order", "")
    chosen = next((m for m in members if str(m["order"].pk) == asked), None)
    if chosen is None:
        if asked.isdigit() and IsolationOrder.objects.filter(link=link, pk=int(asked)).exists():
            return _gone(request, "ended", 410, wants_json)  # a member released since the page was opened
        message = _("Choose the person the report is for.")
        if wants_json:
            return JsonResponse({"ok": False, "message": message}, status=422)
        return render(request, "care/self_report.html", {**_context(members), "error": message}, status=422)
    if not _allowed(request, link):
        message = _("Too many reports from here. Please wait a few minutes and send again.")
        if wants_json:
            return JsonResponse({"ok": False, "retry": True, "message": message}, status=429)
        return render(request, "care/self_report.html", {**_context(members), "error": message}, status=429)
    form = ReadingForm(request.POST, auto_id=f"r{chosen['order'].pk}_%s")
    status = 422
    if form.is_valid():
        try:
            report, created = report_submit(
                actor=link_actor(link), order=chosen["order"], source=ReportSource.LINK, **form.readings()
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            chosen.update(_member(chosen["order"], done=report), created=created)
            status = 201 if created else 200
    if not chosen["done"]:
        chosen["form"] = form
    if wants_json:
        html = render_to_string("care/_self_report_member.html", {"member": chosen}, request=request)
        return JsonResponse({"ok": status < 300, "created": status == 201, "html": html}, status=status)
    return render(request, "care/self_report.html", _context(members), status=200 if status < 300 else 422)


def _allowed(request, link: ReportLink) -> bool:
    """Per client address and per link, counted in the database like the check-in page's limits."""
    limits = {
        f"selfreport-ip:{client_ip(request)}": settings.PHONGDICH_SELFREPORT_LIMIT_PER_CLIENT,
        f"selfreport-link:{link.pk}": settings.PHONGDICH_SELFREPORT_LIMIT_PER_LINK,
    }
    return allow(limits, window=timedelta(minutes=settings.PHONGDICH_SELFREPORT_LIMIT_WINDOW_MINUTES))


def _gone(request, reason: str, status: int, wants_json: bool = False):
    """A link that does not exist, was revoked, or whose people are all released: a clear page, nothing stored."""
    messages = {
        "unknown": _("This link is not a self-report link of the platform. Check the address on your card or SMS."),
        "revoked": _(
            "This link has been replaced or cancelled. Ask your health station or residential group's COVID team for "
            "the new one."
        ),
        "ended": _(
            "Your isolation or home treatment has ended: no more reports are needed through this link. Thank you."
        ),
    }
    if wants_json:
        return JsonResponse({"ok": False, "gone": True, "message": messages[reason]}, status=status)
    return render(
        request, "care/self_report_gone.html", {"message": messages[reason], "now": clock.now()}, status=status
    )
