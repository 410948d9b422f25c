from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Print USERNAME's API token (created if they have none), for scripts: send it as "
        '"Authorization: Token <key>". With --reset, the old token stops working.'
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--reset", action="store_true", help="replace the user's token with a new one"
        )

    def handle(self, username: str, reset: bool, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f'no user "{username}"')
        if not user.is_active:
            raise CommandError(f'"{username}" is inactive: an inactive user cannot use the API')
        if reset:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        # Only the key on stdout, so that `$(manage.py create_api_token ada)` works.
        self.stdout.write(token.key)
