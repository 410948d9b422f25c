"""The codebook's published versions, read-only: a version is published from the project's
codebook draft page and is never changed afterwards, so no write is offered here."""

from rest_framework import generics, serializers

from cases.api.permissions import ProjectAccess
from cases.codebooks.snapshots import versions_of


class CodebookVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    published_at = serializers.DateTimeField(allow_null=True)
    published_by = serializers.CharField(
        source="published_by.username", default=None, allow_null=True
    )
    note = serializers.CharField(allow_blank=True)
    operations = serializers.JSONField()
    summary = serializers.JSONField()
    snapshot = serializers.JSONField()


class CodebookVersionsView(generics.ListAPIView):
    """Every published version of the project's codebook, oldest first: its number, when and by
    whom it was published, its note, the migration map from the version before, what publishing
    did to the codings, and its criteria and scale as they were."""

    permission_classes = [ProjectAccess]
    serializer_class = CodebookVersionSerializer
    filter_backends = []
    read_need = "read"
    write_need = "manage"  # no write is offered: an admin is answered 405, anyone else 403
    schema_tag = "codebook"

    def get_queryset(self):
        return versions_of(self.project.codebook)
