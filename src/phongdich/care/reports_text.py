"""The personal link's address and its SMS, in Vietnamese whatever the language of the staff member who sends it
(care.messages, when the notification part of care has it, may take `link_text` over)."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import ReportLink

SMS_LANGUAGE = "vi"


def link_url(link: ReportLink) -> str:
    return f"{settings.PHONGDICH_PUBLIC_URL}{reverse('self_report', args=[link.token])}"


def link_text(link: ReportLink, *, station: str = "", phone: str = "") -> str:
    """The SMS that gives a household its link: report twice a day, and what to do at once when it goes badly."""
    with translation.override(SMS_LANGUAGE):
        sender = station or _("Health station")
        call = _("call 115 or %(phone)s at once") % {"phone": phone} if phone else _("call 115 at once")
        return _(
            "%(sender)s: send your health readings twice a day (morning and afternoon) at %(url)s . If short of "
            "breath, SpO2 96%% or lower, chest pain or blue lips: %(call)s."
        ) % {"sender": sender, "url": link_url(link), "call": call}
