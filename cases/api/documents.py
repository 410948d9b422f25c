"""A source's document over the API: /api/projects/{slug}/sources/{id}/document/.

GET reads what is attached (every member), PUT uploads a file as multipart form data under
``file`` (admins, reviewers, coders), DELETE takes it away. A PDF's text is read in the
background after the upload: ``status`` is ``pending`` or ``reading`` (with ``pages_read`` of
``page_count``) until it is ``ready``, or ``refused`` with the reason in ``refusal``;
``stalled`` says that a reading made no progress for too long (its worker died).
…/document/download/ answers the file itself, after the same access check as every other
read. ``cases.documents.actions`` decides what is accepted, as it does for the source page.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.permissions import ProjectAccess
from cases.documents.actions import (
    DocumentRefused,
    attach_document,
    read_upload,
    remove_document,
)
from cases.documents.download import document_response
from cases.models import Document, Source


class DocumentSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="key", read_only=True)
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    page_labels = serializers.SerializerMethodField()
    stalled = serializers.SerializerMethodField(
        help_text="Being read, but without progress for longer than the stall limit: the "
        "worker reading it died (its page offers to read it again; a starting worker does)."
    )

    class Meta:
        model = Document
        fields = [
            "source",
            "filename",
            "kind",
            "size",
            "sha256",
            "page_count",
            "status",
            "pages_read",
            "stalled",
            "refusal",
            "labels_from_document",
            "page_labels",
            "uploaded_by",
            "uploaded_at",
        ]

    def get_stalled(self, document) -> bool:
        return document.is_stalled

    def get_page_labels(self, document) -> list[str]:
        return list(document.pages.order_by("index").values_list("label", flat=True))


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A PDF with a text layer, HTML, plain text or Markdown.")


class DocumentView(generics.GenericAPIView):
    """The document of one source: read it, upload one (replacing what was there), remove it."""

    permission_classes = [ProjectAccess]
    parser_classes = [MultiPartParser]
    serializer_class = DocumentSerializer
    read_need = "read"
    write_need = "edit_evidence"
    schema_tag = "sources"

    def get_source(self) -> Source:
        return get_object_or_404(Source, project=self.project, pk=self.kwargs["pk"])

    def get(self, request, slug, pk):
        document = get_object_or_404(Document, source=self.get_source())
        return Response(DocumentSerializer(document).data)

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: DocumentSerializer},
    )
    def put(self, request, slug, pk):
        source = self.get_source()
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        try:
            document = attach_document(
                source=source, data=read_upload(file), filename=file.name, user=request.user
            )
        except DocumentRefused as refusal:
            raise ValidationError({"file": [f"{refusal}. Nothing was stored."]}) from None
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: DocumentSerializer},
    )
    def post(self, request, slug, pk):
        return self.put(request, slug, pk)

    @extend_schema(responses={204: None})
    def delete(self, request, slug, pk):
        if not remove_document(self.get_source()):
            return Response({"detail": "This source has no document."}, status=404)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentDownloadView(APIView):
    """The stored file (HTML always as a download)."""

    permission_classes = [ProjectAccess]
    read_need = "read"
    schema_tag = "sources"

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file (PDF, HTML, text or Markdown)."
            )
        }
    )
    def get(self, request, slug, pk):
        document = get_object_or_404(Document, source__project=self.project, source__pk=pk)
        return document_response(document)
