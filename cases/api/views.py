"""Endpoints of a project's structure: projects, members, codebook and criteria, dyads and
periods, sources; plus the API root and the token endpoint.

Everyone in a project reads these; admins change the project, its members, codebook, dyads
and periods; admins, reviewers and coders add and edit sources (DESIGN.md's table).
"""

from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from cases.api import filters
from cases.api.base import CreateMixin, DestroyMixin, ProjectScopedViewSet, ReadMixin, UpdateMixin
from cases.api.errors import Conflict
from cases.api.permissions import ProjectAccess
from cases.api.serializers import (
    CodebookSerializer,
    CriterionSerializer,
    DyadSerializer,
    MemberSerializer,
    PeriodSerializer,
    ProjectSerializer,
    SourceSerializer,
)
from cases.models import (
    Criterion,
    Dyad,
    Membership,
    Period,
    Project,
    Source,
    codebook_order,
)
from cases.projects.members import MembershipRefused, check_keeps_an_admin, remove_member


class ApiRoot(APIView):
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request):
        return Response(
            {
                "projects": reverse("api:project-list", request=request),
                "schema": reverse("api-schema", request=request),
                "docs": reverse("api-docs", request=request),
                "documentation": "docs/api.md in the sccoder repository",
            }
        )


class TokenView(APIView):
    """Your API token, for scripts: send it as ``Authorization: Token <key>``."""

    permission_classes = [IsAuthenticated]
    schema_tag = "token"

    @extend_schema(
        request=None,
        responses=inline_serializer("Token", {"token": serializers.CharField()}),
    )
    def post(self, request):
        """Your token (created on first use; the same one until you revoke it)."""
        token, _ = Token.objects.get_or_create(user=request.user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        """Revoke your token; a new POST makes a new one."""
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProjectViewSet(ReadMixin, UpdateMixin, ProjectScopedViewSet):
    """The projects you belong to, with your role in each. Admins edit name, description,
    citation style and data licence."""

    queryset = Project.objects.none()
    serializer_class = ProjectSerializer
    lookup_field = "slug"
    lookup_value_converter = "slug"
    schema_tag = "projects"

    def get_permissions(self):
        # No project yet: the list is the user's own projects. Other methods on the list
        # (there is no creating or deleting a project here) are then answered with a 405.
        if self.action == "list" or "slug" not in self.kwargs:
            return [IsAuthenticated()]
        return [ProjectAccess()]

    def scoped_queryset(self):
        user = self.request.user
        role = Membership.objects.filter(project=OuterRef("pk"), user=user).values("role")[:1]
        return (
            Project.objects.filter(memberships__user=user)
            .select_related("codebook")
            .annotate(my_role=Subquery(role))
            .order_by("name", "slug")
        )


class MemberViewSet(ReadMixin, CreateMixin, UpdateMixin, DestroyMixin, ProjectScopedViewSet):
    """Who is in the project and in which role. Admins add, change and remove members."""

    queryset = Membership.objects.none()
    serializer_class = MemberSerializer
    filterset_class = filters.MemberFilter
    schema_tag = "members"

    def scoped_queryset(self):
        return (
            Membership.objects.filter(project=self.project)
            .select_related("user")
            .order_by("user__username", "pk")
        )

    def create_values(self) -> dict:
        return {"project": self.project}

    # Role changes and removals go through cases.projects.members, as in the admin.

    def perform_update(self, serializer):
        membership = serializer.instance
        try:
            with transaction.atomic():
                check_keeps_an_admin(
                    membership, new_role=serializer.validated_data.get("role", membership.role)
                )
                serializer.save()
        except MembershipRefused as exc:
            raise Conflict(str(exc)) from None

    def perform_destroy(self, instance) -> None:
        try:
            remove_member(membership=instance)
        except MembershipRefused as exc:
            raise Conflict(str(exc)) from None


class CodebookView(generics.RetrieveAPIView):
    """The project's codebook: name, version and the value scale. Criteria: …/criteria/."""

    permission_classes = [ProjectAccess]
    serializer_class = CodebookSerializer
    read_need = "read"
    schema_tag = "codebook"

    def get_object(self):
        return self.project.codebook


class CodebookWrites:
    """A codebook shared with another project is not edited from here: the change would
    reach projects whose admins did not make it."""

    def check_codebook_is_ours(self) -> None:
        if Project.objects.filter(codebook_id=self.project.codebook_id).count() > 1:
            raise Conflict(
                "This codebook is shared with other projects; edit it in the site admin "
                "or give this project its own copy."
            )


class CriterionViewSet(
    CodebookWrites,
    ReadMixin,
    CreateMixin,
    UpdateMixin,
    DestroyMixin,
    ProjectScopedViewSet,
):
    """The criteria coders apply. Codes are stable identifiers: they never change once made."""

    queryset = Criterion.objects.none()
    serializer_class = CriterionSerializer
    filterset_class = filters.CriterionFilter
    schema_tag = "criteria"

    def scoped_queryset(self):
        return Criterion.objects.filter(codebook_id=self.project.codebook_id).order_by(
            *codebook_order(), "pk"
        )

    def create_values(self) -> dict:
        self.check_codebook_is_ours()
        return {"codebook": self.project.codebook}

    def perform_update(self, serializer):
        self.check_codebook_is_ours()
        serializer.save()

    def perform_destroy(self, instance) -> None:
        self.check_codebook_is_ours()
        instance.delete()


class DyadViewSet(ReadMixin, CreateMixin, UpdateMixin, DestroyMixin, ProjectScopedViewSet):
    """The pairs of states studied, each with its periods. Admins add and rename them; the
    code and the two states are fixed once created."""

    queryset = Dyad.objects.none()
    serializer_class = DyadSerializer
    filterset_class = filters.DyadFilter
    schema_tag = "dyads"

    def scoped_queryset(self):
        periods = Prefetch("periods", queryset=Period.objects.order_by("start_year"))
        return (
            Dyad.objects.filter(project=self.project)
            .prefetch_related(periods)
            .order_by("code", "pk")
        )

    def create_values(self) -> dict:
        return {"project": self.project}


class PeriodViewSet(ReadMixin, CreateMixin, UpdateMixin, DestroyMixin, ProjectScopedViewSet):
    """The periods of the project's dyads; the periods of one dyad never overlap."""

    queryset = Period.objects.none()
    serializer_class = PeriodSerializer
    filterset_class = filters.PeriodFilter
    schema_tag = "periods"

    def scoped_queryset(self):
        return (
            Period.objects.filter(dyad__project=self.project)
            .select_related("dyad")
            .order_by("dyad__code", "start_year", "pk")
        )


class SourceViewSet(ReadMixin, CreateMixin, UpdateMixin, DestroyMixin, ProjectScopedViewSet):
    """Bibliographic records (CSL-JSON) the evidence cites. Admins, reviewers and coders add
    and edit them; only admins delete one, and only while no evidence cites it."""

    queryset = Source.objects.none()
    serializer_class = SourceSerializer
    filterset_class = filters.SourceFilter
    write_need = "edit_evidence"
    action_needs = {"destroy": "manage"}
    schema_tag = "sources"

    def scoped_queryset(self):
        return Source.objects.filter(project=self.project).order_by("key", "pk")

    def create_values(self) -> dict:
        return {"project": self.project}


__all__ = [
    "ApiRoot",
    "CodebookView",
    "CriterionViewSet",
    "DyadViewSet",
    "MemberViewSet",
    "PeriodViewSet",
    "ProjectViewSet",
    "SourceViewSet",
    "TokenView",
]
