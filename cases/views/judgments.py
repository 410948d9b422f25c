"""Placeholder: being written."""

from django.http import Http404


def judgments(request, *args, **kwargs):
    raise Http404


def save_judgment(request, *args, **kwargs):
    raise Http404
