"""Placeholder: being written."""

from django.http import Http404


def queue(request, *args, **kwargs):
    raise Http404


def coding_page(request, *args, **kwargs):
    raise Http404


def save_coding(request, *args, **kwargs):
    raise Http404


def submit_item(request, *args, **kwargs):
    raise Http404


def reopen_item(request, *args, **kwargs):
    raise Http404
