"""The compilation (samrådsredogörelse) as an accessible Word document, made from the same
``Compilation`` as the page and the PDF with the building blocks the annual follow-up report
uses too (``delaktig.core.word``): the real Title and Heading 1–3 styles for the outline, the
document language in the core properties and the default run properties, tables with a
repeating header row, a caption and a description, headings in a colour with enough contrast,
and every stance written out in words. Markdown (the summary, a version's changes) becomes
paragraphs and lists with the markup taken away."""

import io
import re
from collections.abc import Iterable, Sequence
from datetime import date

import docx
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx.document import Document

from delaktig.core.word import MISSING, fact, prepare, table, xml_clean

from .compilation import Compilation, Entry, Section


def _day(value: date | None) -> str:
    return date_format(value, "j F Y") if value else MISSING


def render_docx(compilation: Compilation) -> bytes:
    document = docx.Document()
    title = _("Samrådsredogörelse: %(title)s") % {"title": compilation.title}
    _prepare(document, compilation, title)
    document.add_heading(xml_clean(title), level=0)
    _facts(document, compilation)
    document.add_heading(_("Sammanfattning"), level=1)
    if compilation.summary:
        _markdown(document, compilation.summary)
    else:
        document.add_paragraph(_("Ingen sammanfattning är skriven."))
    _figures(document, compilation)
    _versions(document, compilation)
    _invitations(document, compilation)
    document.add_heading(_("Synpunkterna och svaren"), level=1)
    if not compilation.sections:
        document.add_paragraph(_("Inga synpunkter kom in."))
    for section in compilation.sections:
        _section(document, section)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- The document as a whole ---------------------------------------------------------------


def _prepare(document: Document, compilation: Compilation, title: str) -> None:
    prepare(
        document,
        title=title,
        subject=compilation.process,
        author=compilation.organisation,
        keywords=_("samrådsredogörelse"),
        made=compilation.made or date(2000, 1, 1),
    )


# --- Building blocks -----------------------------------------------------------------------


def _table(
    document: Document,
    caption: str,
    description: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
) -> None:
    """A table with its caption shown above it, each row named by its first cell."""
    table(document, caption, description, headers, rows, show_caption=True, row_headers=True)


_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(.+?)\1")
_HEADING = re.compile(r"^#{1,6}\s+")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+")


def _inline(text: str) -> str:
    """Markdown's inline markup taken away; a link keeps its address in brackets."""
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    previous = None
    while previous != text:
        previous, text = text, _EMPHASIS.sub(r"\2", text)
    return xml_clean(text)


def _markdown(document: Document, source: str) -> None:
    """Markdown as Word paragraphs: a heading as a bold paragraph (it sits under the
    document's own headings), lists as list paragraphs, the rest as paragraphs."""
    for block in re.split(r"\n\s*\n", source.strip()):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            for line in lines:
                document.add_paragraph(_inline(_BULLET.sub("", line)), style="List Bullet")
        elif all(_NUMBERED.match(line) for line in lines):
            for line in lines:
                document.add_paragraph(_inline(_NUMBERED.sub("", line)), style="List Number")
        elif _HEADING.match(lines[0]):
            document.add_paragraph().add_run(_inline(_HEADING.sub("", lines[0]))).bold = True
            if lines[1:]:
                document.add_paragraph(_inline(" ".join(lines[1:])))
        else:
            text = " ".join(line.strip().lstrip(">").strip() for line in lines)
            document.add_paragraph(_inline(text))


def _text(document: Document, text: str, style: str | None = None) -> None:
    """Plain text as typed: a paragraph per paragraph, line breaks kept."""
    for part in re.split(r"\n\s*\n", text.strip()):
        paragraph = document.add_paragraph(style=style)
        lines = part.splitlines()
        for index, line in enumerate(lines):
            run = paragraph.add_run(xml_clean(line))
            if index < len(lines) - 1:
                run.add_break()


# --- Sections ------------------------------------------------------------------------------


def _facts(document: Document, compilation: Compilation) -> None:
    period = compilation.period
    fact(document, _("Organisation"), compilation.organisation)
    fact(document, _("Process"), compilation.process)
    fact(
        document,
        _("Samrådstid"),
        f"{_day(period.starts)} – {_day(period.ends)}" if period.starts else MISSING,
    )
    fact(document, _("Versioner av dokumentet"), str(len(compilation.versions)))
    fact(document, _("Publicerad"), _day(compilation.made))
    if compilation.anonymised:
        names = _(
            "Visas inte. Invånare kallas Invånare 1, Invånare 2 och så vidare, i den ordning de "
            "först förekommer."
        )
    else:
        names = _("Invånare visas med det namn de valde när de lämnade synpunkten.")
    fact(document, _("Invånarnas namn"), f"{names} {_('Organisationer visas med namn.')}")


def _figures(document: Document, compilation: Compilation) -> None:
    document.add_heading(_("Samrådet i siffror"), level=1)
    if compilation.total == 1:
        document.add_paragraph(_("Det kom in en synpunkt."))
    else:
        document.add_paragraph(_("Det kom in %(count)s synpunkter.") % {"count": compilation.total})
    if compilation.sections:
        rows = [(row.label, str(row.comments)) for row in compilation.by_section]
        rows.append((_("Totalt"), str(compilation.total)))
        _table(
            document,
            _("Synpunkter per avsnitt"),
            _("Antal synpunkter på varje avsnitt av dokumentet och på hela dokumentet."),
            [_("Avsnitt"), _("Synpunkter")],
            rows,
        )
    _table(
        document,
        _("Synpunkter per typ av svarande"),
        _("Antal synpunkter från invånare och från organisationer, och hur många som svarade."),
        [_("Svarande"), _("Synpunkter"), _("Antal som svarade")],
        [(r.label, str(r.comments), str(r.respondents)) for r in compilation.by_respondent],
    )
    _table(
        document,
        _("Hur synpunkterna togs om hand"),
        _("Antal synpunkter för varje ställningstagande i svaren."),
        [_("Ställningstagande"), _("Synpunkter")],
        [(r.label, str(r.comments)) for r in compilation.by_stance],
    )


def _versions(document: Document, compilation: Compilation) -> None:
    document.add_heading(_("Dokumentets versioner"), level=1)
    if not compilation.versions:
        document.add_paragraph(_("Ingen version är publicerad."))
    for index, version in enumerate(compilation.versions):
        document.add_heading(
            xml_clean(
                _("Version %(number)s: %(title)s")
                % {"number": version.number, "title": version.title}
            ),
            level=2,
        )
        fact(document, _("Publicerad"), _day(version.published))
        if version.changes:
            _markdown(document, version.changes)
        elif index == 0:
            document.add_paragraph(_("Versionen som gick ut på samråd."))


def _invitations(document: Document, compilation: Compilation) -> None:
    document.add_heading(_("Inbjudna organisationer"), level=1)
    if not compilation.invitations:
        document.add_paragraph(
            _("Inga organisationer bjöds in särskilt. Alla kunde lämna synpunkter.")
        )
        return
    _table(
        document,
        _("Organisationer som bjöds in att svara (remissinstanser) och deras svar"),
        _("En rad per inbjuden organisation: sista dag för svar och om den svarade."),
        [_("Organisation"), _("Svar senast"), _("Svar")],
        [(i.name, _day(i.deadline_date), i.status_label) for i in compilation.invitations],
    )


def _section(document: Document, section: Section) -> None:
    document.add_heading(xml_clean(section.label), level=2)
    for entry in section.entries:
        _entry(document, entry)


def _meta(entry: Entry) -> str:
    parts = [entry.passage_label]
    if entry.passage_kind:
        parts[0] += ", " + _("version %(number)s") % {"number": entry.version}
    if entry.where_now:
        parts[0] += f" ({entry.where_now})"
    parts.append(_day(entry.created_at.date()))
    if entry.author.is_organisation:
        parts.append(_("remissvar"))
    if entry.agreements == 1:
        parts.append(_("en person håller med"))
    elif entry.agreements:
        parts.append(_("%(count)s personer håller med") % {"count": entry.agreements})
    return " · ".join(parts)


def _entry(document: Document, entry: Entry) -> None:
    document.add_heading(
        xml_clean(
            _("Synpunkt %(number)s från %(who)s")
            % {"number": entry.number, "who": entry.author.label}
        ),
        level=3,
    )
    document.add_paragraph(xml_clean(_meta(entry)))
    if entry.withdrawn:
        document.add_paragraph(
            _(
                "En moderator har tagit bort synpunkten efter att samrådsredogörelsen "
                "publicerades. Texten visas inte här."
            )
        )
    elif entry.held:
        document.add_paragraph(_("Synpunkten väntar på moderering. Texten visas inte här."))
    else:
        _text(document, entry.text, style="Quote")
    answer = entry.answer
    if answer is None:
        document.add_paragraph().add_run(_("Inte besvarad än.")).bold = True
        return
    paragraph = document.add_paragraph()
    paragraph.add_run(_("Svar: %(stance)s") % {"stance": answer.stance_label}).bold = True
    if answer.theme:
        paragraph.add_run(" (" + xml_clean(_("tema: %(theme)s") % {"theme": answer.theme}) + ")")
    _text(document, answer.reason)
    if answer.change:
        paragraph = document.add_paragraph()
        paragraph.add_run(_("Ändring i dokumentet:") + " ").bold = True
        paragraph.add_run(xml_clean(answer.change))
