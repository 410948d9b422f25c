from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .access import memberships_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in start page: the user's projects and their role in each."""
    return render(request, "cases/home.html", {"memberships": memberships_of(request.user)})
