"""Placeholder: being written."""

from django.http import Http404


def agreement(request, *args, **kwargs):
    raise Http404


def agreement_chart(request, *args, **kwargs):
    raise Http404


def disagreements(request, *args, **kwargs):
    raise Http404


def adjudicate_item(request, *args, **kwargs):
    raise Http404


def overrides(request, *args, **kwargs):
    raise Http404
