"""Placeholder: being written."""

from django.http import Http404


def report(request, *args, **kwargs):
    raise Http404


def report_chart(request, *args, **kwargs):
    raise Http404


def report_json(request, *args, **kwargs):
    raise Http404


def compare(request, *args, **kwargs):
    raise Http404
