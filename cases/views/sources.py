"""Placeholder: being written."""

from django.http import Http404


def bibliography(request, *args, **kwargs):
    raise Http404


def source_new(request, *args, **kwargs):
    raise Http404


def source_import(request, *args, **kwargs):
    raise Http404


def source_edit(request, *args, **kwargs):
    raise Http404
