"""The shared conventions in core: errors and their catalogue, form errors, the error page,
state machines and ordering."""

import ast
import re
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import translation

from delaktig.core import catalogue, contributions
from delaktig.core.errors import (
    Conflict,
    DelaktigError,
    InvalidTransition,
    PermissionDenied,
    RateLimited,
)
from delaktig.core.forms import form_errors, form_status
from delaktig.core.middleware import DelaktigErrorMiddleware
from delaktig.core.workflow import StateMachine

SRC = Path(__file__).resolve().parent.parent / "src" / "delaktig"


# --- Errors ---------------------------------------------------------------------------------


def test_an_error_is_a_code_and_params_with_a_translated_message() -> None:
    error = RateLimited()
    assert (error.code, error.status, error.params) == ("rate_limited", 429, {})
    assert error.message.startswith("Du har skrivit många inlägg")
    with translation.override("en"):
        assert error.message.startswith("You have posted")
    assert error.as_dict()["code"] == "rate_limited"


def test_params_fill_the_message_and_show_in_str() -> None:
    contributions._contributions["test_errors"] = contributions.Contribution(
        app_label="test_errors", errors={"test_errors.line": "Rad %(line)s är fel."}
    )
    try:
        error = DelaktigError("test_errors.line", line=4)
        assert error.message == "Rad 4 är fel."
        assert str(error) == "test_errors.line(line=4)"
    finally:
        del contributions._contributions["test_errors"]


def test_an_unknown_code_reads_as_the_general_message() -> None:
    assert DelaktigError("nobody.knows_this").message == "Något gick fel."


def test_a_code_must_look_like_one() -> None:
    with pytest.raises(ValueError, match="prefixed"):
        contributions.contribute(
            contributions.Contribution(app_label="zzz", errors={"other.code": "x"})
        )


def test_every_raised_code_is_in_the_catalogue() -> None:
    """Every ``raise SomeError("app.code", …)`` in the source names a code with a message."""
    known = set(catalogue.catalogue())
    missing = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            first = node.args[0]
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if not (name.endswith(("Error", "Denied", "Conflict", "Transition", "Failed"))):
                continue
            if (
                isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and "." in first.value
                and " " not in first.value
                and first.value not in known
            ):
                missing.append(f"{path.relative_to(SRC)}:{node.lineno} {first.value}")
    assert missing == []


class _AnyParams(dict[str, Any]):
    """Every placeholder filled with 2 (a plural form's count too)."""

    def __missing__(self, key: str) -> int:
        return 2


def _filled(message: Any, language: str) -> str:
    with translation.override(language):
        return str(message % _AnyParams())


def test_the_catalogue_translates_every_message() -> None:
    untranslated = [
        code
        for code, message in catalogue.catalogue().items()
        if _filled(message, "en") == _filled(message, "sv")
    ]
    assert untranslated == []


# --- Forms ----------------------------------------------------------------------------------


class _Form(forms.Form):
    title = forms.CharField()


def test_form_errors_puts_the_error_on_the_form_and_skips_the_rest() -> None:
    form = _Form({"title": "Cykelbana"})
    assert form.is_valid()
    reached = False
    with form_errors(form):
        raise Conflict()
        reached = True
    assert not reached
    assert form.non_field_errors() == [Conflict().message]
    assert form.data["title"] == "Cykelbana"
    assert form_status(form) == 409


def test_form_errors_uses_the_errors_field_when_the_form_has_it() -> None:
    form = _Form({"title": "x"})
    form.is_valid()
    with form_errors(form, field=None):
        raise DelaktigError("validation_failed", field="title")
    assert form.errors["title"]
    assert form_status(form) == 400


def test_form_status_is_200_for_a_fresh_or_valid_form() -> None:
    assert form_status(_Form()) == 200
    valid = _Form({"title": "x"})
    valid.is_valid()
    assert form_status(valid) == 200


# --- The error page -------------------------------------------------------------------------


def _respond(request: HttpRequest, error: DelaktigError) -> HttpResponse | None:
    middleware = DelaktigErrorMiddleware(lambda r: HttpResponse())
    return middleware.process_exception(request, error)


@pytest.mark.django_db
def test_the_middleware_renders_the_error_with_its_status_and_a_way_back(
    rf: RequestFactory,
) -> None:
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import UserFactory

    request = rf.post("/x/", HTTP_REFERER="http://testserver/sida/")
    request.user = UserFactory.create()
    request.session = {}  # type: ignore[assignment]
    response = _respond(request, InvalidTransition())
    assert response is not None and response.status_code == 409
    body = response.content.decode()
    assert 'data-error-code="invalid_transition"' in body
    assert 'href="http://testserver/sida/"' in body

    elsewhere = rf.post("/x/", HTTP_REFERER="https://evil.example/")
    elsewhere.user = request.user
    refused = _respond(elsewhere, InvalidTransition())
    assert refused is not None and "evil.example" not in refused.content.decode()

    htmx = rf.post("/x/", HTTP_HX_REQUEST="true")
    htmx.user = request.user
    fragment = _respond(htmx, RateLimited())
    assert fragment is not None and fragment.status_code == 429
    assert fragment.content.decode().startswith('<p class="message message--error" role="alert"')
    assert fragment["HX-Retarget"] == "#messages"

    anonymous = rf.post("/x/", HTTP_REFERER="http://testserver/sida/")
    anonymous.user = AnonymousUser()
    login = _respond(anonymous, PermissionDenied())
    assert login is not None and login.status_code == 302
    assert "next=/sida/" in login["Location"] or "next=http" in login["Location"]


def test_the_middleware_leaves_other_exceptions_alone(rf: RequestFactory) -> None:
    middleware = DelaktigErrorMiddleware(lambda r: HttpResponse())
    assert middleware.process_exception(rf.get("/"), ValueError()) is None


# --- State machines -------------------------------------------------------------------------


class _S(StrEnum):
    DRAFT = "draft"
    READY = "ready"


class _A(StrEnum):
    MARK_READY = "mark_ready"
    REOPEN = "reopen"


MACHINE = StateMachine({(_S.DRAFT, _A.MARK_READY): _S.READY, (_S.READY, _A.REOPEN): _S.DRAFT})


def test_a_state_machine_answers_from_its_table() -> None:
    assert MACHINE.next_status("draft", "mark_ready") is _S.READY
    assert MACHINE.next_status(_S.READY, _A.MARK_READY) is None
    assert MACHINE.next_status("nonsense", "mark_ready") is None
    assert MACHINE.allowed_actions("ready") == [_A.REOPEN]
    assert MACHINE.allowed_actions("nonsense") == []
    assert MACHINE.require("draft", _A.MARK_READY) is _S.READY
    with pytest.raises(InvalidTransition):
        MACHINE.require("draft", _A.REOPEN)
    assert MACHINE.allows("ready", "reopen") and not MACHINE.allows("draft", "reopen")


# --- Guards: the conventions stay the only way ------------------------------------------------


def _sources(pattern: str = "*.py") -> list[Path]:
    return [p for p in SRC.rglob(pattern) if "migrations" not in p.parts]


def test_no_function_is_longer_than_80_lines() -> None:
    long = [
        f"{path.relative_to(SRC)}:{node.lineno} {node.name}"
        for path in _sources()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > 80
    ]
    assert long == []


def test_views_leave_errors_to_form_errors_and_the_middleware() -> None:
    """No view catches DelaktigError one by one (management commands print it)."""
    catching = [
        str(path.relative_to(SRC))
        for path in _sources()
        if "except DelaktigError" in path.read_text(encoding="utf-8")
        and "management" not in path.parts
        and path.relative_to(SRC).as_posix() != "core/forms.py"
    ]
    assert catching == []


def test_services_check_permissions_with_require_perm_only() -> None:
    hand_written = re.compile(r"if not [^\n]*\.has_perm\([^\n]*\n\s*raise ")
    found = [
        str(path.relative_to(SRC))
        for path in _sources("*services*.py")
        if hand_written.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_services_type_the_person_acting() -> None:
    untyped = re.compile(r"\b(actor|user|viewer): Any\b")
    found = [
        f"{path.relative_to(SRC)}"
        for path in [*_sources("*services*.py"), *_sources("selectors.py"), *_sources("rules.py")]
        if untyped.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_workflows_use_the_one_state_machine() -> None:
    copies = [
        str(path.relative_to(SRC))
        for path in _sources()
        if re.search(
            r"^def (next_status|allowed_actions)\(", path.read_text(encoding="utf-8"), re.M
        )
        and path.relative_to(SRC).as_posix() != "core/workflow.py"
    ]
    assert copies == []


def test_an_error_survives_pickling_and_copying_with_everything_it_carries() -> None:
    import copy
    import pickle

    from delaktig.core.uploads import ArchiveRefused

    error = Conflict("proposals.already_supported", field="support", count=2)
    for again in (pickle.loads(pickle.dumps(error)), copy.copy(error)):  # noqa: S301 - ours
        assert type(again) is Conflict
        assert (again.code, again.field, again.params) == (error.code, "support", {"count": 2})
    refused = pickle.loads(pickle.dumps(ArchiveRefused("encrypted", name="a.csv")))  # noqa: S301
    assert (refused.reason, refused.code, refused.params) == (
        "encrypted",
        "archive.encrypted",
        {"name": "a.csv"},
    )


def test_a_code_is_one_line() -> None:
    with pytest.raises(ValueError, match="not an error code"):
        DelaktigError("a.b\n")
