"""Placeholder: being written."""

from django.http import Http404


def assignments(request, *args, **kwargs):
    raise Http404
