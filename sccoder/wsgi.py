"""WSGI entry point (gunicorn sccoder.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sccoder.settings")
application = get_wsgi_application()
