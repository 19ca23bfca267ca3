from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from delaktig.core.markdown import render_markdown
from delaktig.participation import agenda2030


def test_markdown_is_sanitised() -> None:
    html = render_markdown(
        "**fet** <script>alert(1)</script> [länk](javascript:alert(1)) "
        "<img src=x onerror=alert(1)> [bra](https://example.se)"
    )
    assert "<strong>fet</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert 'href="https://example.se"' in html and "nofollow" in html


def test_agenda2030_ships_all_goals_and_targets() -> None:
    goals = agenda2030.goals()
    targets = agenda2030.targets()
    assert len(goals) == 17 and len(targets) == 169
    assert goals[4].name_sv == "Jämställdhet"
    assert [t.code for t in targets if t.goal == 1] == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "1.5",
        "1.a",
        "1.b",
    ]


@pytest.mark.django_db
def test_reference_data_is_migrated() -> None:
    from delaktig.participation.models import Perspective, SdgGoal, SdgTarget, TargetGroup

    assert SdgGoal.objects.count() == 17 and SdgTarget.objects.count() == 169
    assert Perspective.objects.count() == 5
    assert TargetGroup.objects.filter(usually_not_heard=True).count() >= 5


@pytest.mark.django_db
def test_security_headers(client: Client) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    html = response.content.decode()
    assert "<script>" not in html and " on" + "click=" not in html


@pytest.mark.django_db
def test_every_form_post_needs_csrf() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/konto/login/", {"login": "a@b.se", "password": "x"})
    assert response.status_code == 403


def test_production_settings_are_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/delaktig")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
    import delaktig.config.settings as base

    importlib.reload(base)
    with pytest.raises(ImproperlyConfigured):
        importlib.import_module("delaktig.config.production")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 64)
    importlib.reload(base)
    with pytest.raises(ImproperlyConfigured):  # no key for the personnummer hash
        importlib.reload(importlib.import_module("delaktig.config.production"))
    monkeypatch.setenv("DELAKTIG_IDENTITY_HASH_KEY", "h" * 40)
    monkeypatch.delenv("REDIS_URL", raising=False)
    importlib.reload(base)
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):  # a cache per process
        importlib.reload(importlib.import_module("delaktig.config.production"))
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    importlib.reload(base)
    production = importlib.reload(importlib.import_module("delaktig.config.production"))
    assert production.CACHES["default"]["BACKEND"].endswith("RedisCache")
    # Sessions from the shared cache, written through to the database.
    assert production.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SECURE_HSTS_SECONDS >= 31536000 and production.SECURE_SSL_REDIRECT
    assert production.DEBUG is False
    assert production.ALLAUTH_TRUSTED_PROXY_COUNT == 0  # X-Forwarded-For ignored unless set
    assert production.EMAIL_BACKEND.endswith("console.EmailBackend")
    monkeypatch.setenv("EMAIL_HOST", "smtp.region.se")
    importlib.reload(base)
    assert base.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    monkeypatch.delenv("EMAIL_HOST")
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.delenv("REDIS_URL")
    importlib.reload(base)
    assert base.SESSION_ENGINE == "django.contrib.sessions.backends.db"  # no cache per process
    assert settings.LANGUAGE_CODE == "sv"


def test_check_deploy_refuses_a_cache_that_is_not_shared(settings: Any) -> None:
    from delaktig.core.checks import check_shared_cache

    for backend in ("locmem.LocMemCache", "db.DatabaseCache", "filebased.FileBasedCache"):
        settings.CACHES = {"default": {"BACKEND": f"django.core.cache.backends.{backend}"}}
        assert [error.id for error in check_shared_cache()] == ["delaktig.E001"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    assert check_shared_cache() == []
