"""What every project-scoped endpoint shares: the project from the access helper, querysets
limited to that project, and conditional writes.

Conditional writes: a record with a ``version`` field is updated or deleted only when the client
names the version it last read (``"version"`` in the body, ``?version=`` on DELETE, or an
``If-Match`` header with the ETag a read returned). The check is a compare-and-set UPDATE inside
the transaction of the write, so of two clients that read version 3, one writes version 4 and the
other gets 409 with the current record: a write is never lost silently. Records without a version
field get an ETag computed from their content, and honour If-Match the same way (412).
"""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from cases.api.errors import STALE, Conflict, PreconditionFailed
from cases.api.permissions import ProjectAccess
from cases.lib.versioning import StaleWrite, claim_version

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag of your last read: refused with 412 if the record changed since.",
)
VERSION_PARAMETER = OpenApiParameter(  # DELETE of a versioned record
    "version",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    required=False,
    description="The version you last read (or send If-Match); a stale one gets 409.",
)


def _quoted(tag: str) -> str:
    return f'"{tag}"'


def if_match_tags(request) -> list[str] | None:
    header = request.headers.get("If-Match")
    if header is None:
        return None
    tags = []
    for part in header.split(","):
        part = part.strip().removeprefix("W/").strip()
        tags.append(part.strip('"'))
    return tags


class ProjectScopedViewSet(viewsets.GenericViewSet):
    """Base of the endpoints under /api/projects/{slug}/.

    Subclasses set ``queryset = Model.objects.none()`` (a placeholder drf-spectacular reads)
    and implement ``scoped_queryset()``; ``read_need``/``write_need``/``action_needs`` say what
    the access helper must grant (``permissions.ProjectAccess``).
    """

    permission_classes = [ProjectAccess]
    lookup_value_converter = "int"
    read_need = "read"
    write_need = "manage"
    action_needs: dict[str, str] = {}
    schema_tag = ""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self.scoped_queryset()

    def scoped_queryset(self):
        raise NotImplementedError

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "project"):
            context["project"] = self.project
            context["membership"] = self.membership
            if self.request.method not in SAFE_METHODS:
                context["scale"] = self.project.codebook.scale_values()
        return context

    def fresh(self, pk: int) -> dict | None:
        """The record as the requester may see it now, for answers and conflict bodies."""
        found = self.get_queryset().filter(pk=pk).first()
        return self.get_serializer(found).data if found is not None else None

    def etag_of(self, instance) -> str:
        if hasattr(instance, "version"):
            return str(instance.version)
        data = self.get_serializer(instance).data
        blob = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:20]

    def check_if_match(self, request, instance) -> None:
        tags = if_match_tags(request)
        if tags is not None and "*" not in tags and self.etag_of(instance) not in tags:
            raise PreconditionFailed()


class ReadMixin(mixins.ListModelMixin, mixins.RetrieveModelMixin):
    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = _quoted(self.etag_of(instance))
        return response


class CreateMixin(mixins.CreateModelMixin):
    """Creates, answering 409 with the existing record when it would be a duplicate."""

    def existing_for(self, validated: dict):
        """The record the new one would duplicate, if any (subclasses with a natural key)."""
        return None

    def create_values(self) -> dict:
        """Values the server sets on a new record (created_by, decided_by, coder)."""
        return {}

    def created(self, instance) -> None:
        """What follows a new record in the same transaction (new evidence is auto-assigned)."""

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.validated_data.pop("version", None)
        self.refuse_duplicate(serializer.validated_data)
        try:
            with transaction.atomic():
                instance = serializer.save(**self.create_values())
                self.created(instance)
        except IntegrityError:
            self.refuse_duplicate(serializer.validated_data)  # created a moment ago
            raise
        return Response(self.fresh(instance.pk), status=status.HTTP_201_CREATED)

    def refuse_duplicate(self, validated: dict) -> None:
        existing = self.existing_for(validated)
        if existing is not None:
            current = self.fresh(existing.pk)
            raise Conflict(
                gettext("This already exists; change it with an update that names its version."),
                current=current,
                current_version=getattr(existing, "version", None),
            )


class ConditionalWrites:
    """The version rules of the module docstring, for updates and deletes."""

    versioned = False

    def sent_version(self, request, sent: int | None) -> int:
        if sent is not None:
            return sent
        raw = request.query_params.get("version")
        tags = if_match_tags(request) or []
        for candidate in [raw, *tags]:
            if candidate and candidate.isascii() and candidate.isdigit() and len(candidate) < 11:
                return int(candidate)
        if raw is not None:
            raise serializers.ValidationError(
                {"version": [gettext("A version is a whole number.")]}
            )
        raise serializers.ValidationError(
            {
                "version": [
                    gettext(
                        "Send the version you last read (or an If-Match header), so that a change "
                        "made meanwhile by someone else is not overwritten."
                    )
                ]
            }
        )

    def claim(self, instance, sent: int) -> None:
        """Compare-and-set (``cases.lib.versioning``): bump the version only if it is still the one
        the client saw."""
        try:
            instance.version = claim_version(type(instance), instance.pk, sent)
        except StaleWrite:
            current = self.fresh(instance.pk)
            now = current["version"] if current else "deleted"
            raise Conflict(
                STALE.format(sent=sent, current=now),
                current=current,
                current_version=current["version"] if current else None,
            ) from None


class UpdateMixin(ConditionalWrites):
    """PUT and PATCH."""

    def update_values(self) -> dict:
        """Values the server sets on every update (decided_by)."""
        return {}

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        self.check_if_match(request, instance)
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            if self.versioned:
                sent = self.sent_version(request, serializer.validated_data.pop("version", None))
                self.claim(instance, sent)
            self.perform_update(serializer)
        return Response(self.fresh(instance.pk))

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def perform_update(self, serializer):
        serializer.save(**self.update_values())


class DestroyMixin(ConditionalWrites):
    @extend_schema(parameters=[IF_MATCH])
    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        self.check_if_match(request, instance)
        with transaction.atomic():
            if self.versioned:
                self.claim(instance, self.sent_version(request, None))
            self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_destroy(self, instance) -> None:
        instance.delete()
