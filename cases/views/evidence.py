"""Placeholder: being written."""

from django.http import Http404


def evidence_list(request, *args, **kwargs):
    raise Http404


def evidence_new(request, *args, **kwargs):
    raise Http404


def evidence_detail(request, *args, **kwargs):
    raise Http404


def evidence_edit(request, *args, **kwargs):
    raise Http404
