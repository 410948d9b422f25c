"""Placeholder: being written."""

from django.http import Http404


def exports(request, *args, **kwargs):
    raise Http404


def export_file(request, *args, **kwargs):
    raise Http404
