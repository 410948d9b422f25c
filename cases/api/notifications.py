"""A member's own notifications over the API: read them, mark them read. Nobody sees another
member's notifications, whatever their role: the rows are always the requester's."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.api.base import ProjectScopedViewSet, ReadMixin
from cases.discussion.notifications import mark_read, notifications_for
from cases.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    evidence = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "evidence", "created_at", "read_at"]
        read_only_fields = fields


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")


class NotificationViewSet(ReadMixin, ProjectScopedViewSet):
    """Your notifications in the project, newest first: items returned to you, items assigned
    to you, decisions on items you coded. ``?unread=true`` lists the unread ones."""

    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    action_needs = {"read": "read", "read_all": "read"}
    schema_tag = "notifications"

    def scoped_queryset(self):
        rows = notifications_for(self.request.user, self.project).order_by("-created_at", "-id")
        if self.request.query_params.get("unread") in ("1", "true", "yes"):
            rows = rows.filter(read_at__isnull=True)
        return rows

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, *args, **kwargs):
        """Mark this notification read."""
        notification = self.get_object()
        mark_read(user=request.user, project=self.project, ids=[notification.pk])
        return Response(self.fresh(notification.pk))

    @extend_schema(request=None, responses=ReadAllSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request, *args, **kwargs):
        """Mark all your notifications in the project read."""
        return Response({"marked": mark_read(user=request.user, project=self.project)})
