"""The server's log of refused requests: a 403 is one warning line that names the address,
never a traceback (Django logs PermissionDenied with the exception attached)."""

import logging

import pytest

AGREEMENT = "/p/small/review/agreement/"


def server_lines(record: logging.LogRecord) -> list[str]:
    """The record as the server's stderr handler (settings.LOGGING) writes it."""
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "stderr"]
    return handler.format(record).splitlines()


@pytest.mark.django_db
def test_a_403_is_logged_as_one_line_with_its_address_and_no_traceback(client, people, caplog):
    client.force_login(people["carl"])  # a coder: the agreement page is the reviewers'
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(AGREEMENT)
    assert response.status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == f"Forbidden (Permission denied): {AGREEMENT}"
    assert record.status_code == 403
    assert record.exc_info is None and record.exc_text is None
    (line,) = server_lines(record)
    assert line.endswith(f"[WARNING] django.request: Forbidden (Permission denied): {AGREEMENT}")
    assert "Traceback" not in caplog.text


@pytest.mark.django_db
def test_a_server_error_keeps_its_traceback(client, people, caplog, monkeypatch):
    """Only the refusals lose the traceback: a 500 is logged with it, as before."""
    from cases.web.views.review import agreement

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(agreement, "_figures", broken)
    client.raise_request_exception = False
    client.force_login(people["rita"])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(AGREEMENT)
    assert response.status_code == 500
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "Traceback" in "\n".join(server_lines(record))
    assert "RuntimeError: a bug" in caplog.text
