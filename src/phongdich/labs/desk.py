"""Testing's parts of the home page (core/desk.py): samples waiting for results, and a lab's work."""

from django.utils.translation import gettext_lazy as _

from phongdich.core.desk import Part, list_figure, place_filter, without_none

from .choices import PoolStatus, SampleStatus


def sampling(request, assignment) -> Part:
    place = place_filter(assignment)
    return Part(
        _("Testing"),
        without_none(
            list_figure(request, _("Samples awaiting a result"), "labs:samples", **place, pending=True),
            list_figure(request, _("People to sample again"), "labs:tasks", **place, state="open"),
        ),
    )


def lab(request, assignment) -> Part:
    return Part(
        _("At the lab"),
        without_none(
            list_figure(request, _("Pools on their way"), "labs:pools", status=PoolStatus.SENT.value),
            list_figure(request, _("Pools to test"), "labs:pools", status=PoolStatus.RECEIVED.value),
            list_figure(request, _("Pools to test again"), "labs:pools", status=PoolStatus.RETEST.value),
            list_figure(request, _("Samples to test"), "labs:samples", status=SampleStatus.RECEIVED.value),
        ),
    )
