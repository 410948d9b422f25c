"""One cache shared by every application process (settings.CACHES).

Without REDIS_URL the cache is a database table that the migrations create; with it, Redis.
The Redis test talks to the real server named by SCCODER_TEST_REDIS_URL (default
redis://127.0.0.1:6379/13) under a key prefix of its own, and is skipped when none answers.
"""

import importlib.util
import os
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection

from cases.lib.cache import cached_for_project
from cases.models import Coding

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(__file__).resolve().parents[3] / "sccoder" / "settings.py"
TEST_REDIS_URL = os.environ.get("SCCODER_TEST_REDIS_URL") or "redis://127.0.0.1:6379/13"


def settings_with(monkeypatch, **environ):
    """A fresh copy of the settings module, read under the environment given."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_under_test", SETTINGS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_redis_the_cache_is_the_database_table(monkeypatch):
    read = settings_with(monkeypatch)
    assert read.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert read.CACHES["default"]["LOCATION"] == "sccoder_cache"


def test_with_redis_url_the_cache_is_redis(monkeypatch):
    read = settings_with(monkeypatch, REDIS_URL="redis://cache.internal:6379/2")
    assert read.CACHES["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/2",
        "KEY_PREFIX": "sccoder",
    }


def test_the_migrations_create_the_cache_table_and_it_keeps_values():
    assert "sccoder_cache" in connection.introspection.table_names()
    cache.set("greeting", {"text": "hello"}, 60)
    assert cache.get("greeting") == {"text": "hello"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sccoder_cache")
        assert cursor.fetchone()[0] == 1


def redis_client():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis answers at {TEST_REDIS_URL} ({error}); the Redis cache is untested")
    return client


@pytest.fixture
def redis_cache(settings):
    client = redis_client()
    prefix = f"sccoder-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield client, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_figures_are_kept_in_redis_and_recomputed_after_a_write(small_project, redis_cache):
    client, prefix = redis_cache
    computed = []

    def compute():
        computed.append(1)
        return Coding.objects.filter(evidence__project=small_project).count()

    first = cached_for_project("count", small_project, [], compute)
    assert cached_for_project("count", small_project, [], compute) == first
    assert len(computed) == 1
    # The figure sits in Redis, beside the project's newest ids the fingerprint keeps.
    assert len(list(client.scan_iter(f"{prefix}:*:count:*"))) == 1
    assert len(list(client.scan_iter(f"{prefix}:*:fingerprint-newest:*"))) == 1

    coding = Coding.objects.filter(evidence__project=small_project).first()
    coding.delete()
    assert cached_for_project("count", small_project, [], compute) == first - 1
    assert len(computed) == 2


def test_the_api_throttle_counts_in_redis(small_project, redis_cache, client):
    redis, prefix = redis_cache
    client.force_login(get_user_model().objects.get(username="rita"))
    assert client.get("/api/projects/small/").status_code == 200
    assert any(b"throttle" in key for key in redis.scan_iter(f"{prefix}:*"))
