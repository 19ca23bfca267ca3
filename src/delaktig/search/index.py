"""Keeping the search index (``models.Document``) in step with what the sources publish.

Every ``SearchSource`` in the registry names its model; a save or deletion of that model, of a
model in its ``depends``, or of a translation of one of its objects, marks the objects for
indexing, and they are indexed once when the transaction commits (``_queue``). Indexing an
object asks the source afresh: a public object gets a row per language (the Swedish, and each
language with a reviewed, current translation), anything else loses its rows. Unchanged rows are
not written again. ``reindex()`` walks every source in batches (the daily job
``search.reindex`` and ``manage.py search_reindex``), which catches what signals cannot see:
``QuerySet.update()`` and changes of visibility through dates.
"""

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

from delaktig.core.contributions import SearchSource, SearchText, search_sources
from delaktig.core.languages import SOURCE
from delaktig.core.markdown import plain_text

from .models import Document

logger = logging.getLogger(__name__)

BATCH = 500
# The highlight markers of a search (query.py) must never occur in indexed text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def plain(text: str, *, markdown: bool = False) -> str:
    """``text`` as one line of plain text, without control characters."""
    return plain_text(CONTROL.sub(" ", text or ""), markdown=markdown)


def source(key: str) -> SearchSource:
    for candidate in search_sources():
        if candidate.key == key:
            return candidate
    raise KeyError(key)


@dataclass(frozen=True)
class Row:
    """A document as the index should hold it."""

    language: str
    title: str
    body: str
    url: str
    organisation_id: int | None
    date: datetime | None

    def differs(self, document: Document) -> bool:
        return (self.title, self.body, self.url, self.organisation_id, self.date) != (
            document.title,
            document.body,
            document.url,
            document.organisation_id,
            document.date,
        )


def _translations(
    src: SearchSource, objects: Sequence[Any]
) -> dict[int, dict[str, dict[str, str]]]:
    """``{pk: {language: {field: text}}}``: the reviewed translations of ``src.translated``
    fields made from the Swedish each object has now (one query)."""
    if not src.translated or not objects:
        return {}
    from delaktig.translations.models import Translation, source_hash

    by_pk = {obj.pk: obj for obj in objects}
    rows = Translation.objects.filter(
        content_type=ContentType.objects.get_for_model(type(objects[0])),
        object_id__in=list(by_pk),
        field__in=src.translated,
        state=Translation.State.REVIEWED,
    ).values_list("object_id", "language", "field", "text", "source_hash")
    found: dict[int, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for object_id, language, field, text, hashed in rows:
        current = str(getattr(by_pk[object_id], field) or "")
        if text.strip() and hashed == source_hash(current):
            found[object_id][language][field] = text
    return found


def _translated_text(obj: Any, src: SearchSource, texts: dict[str, str]) -> SearchText:
    """The title and text in a translation: the first translated field is the title; the rest
    make the text, each in translation where there is one and in Swedish where not."""
    markdown = set(getattr(obj, "markdown_fields", ()))
    title_field, *body_fields = src.translated
    title = texts.get(title_field) or str(getattr(obj, title_field) or "")
    body = " ".join(
        plain(texts.get(name) or str(getattr(obj, name) or ""), markdown=name in markdown)
        for name in body_fields
    )
    return SearchText(title=plain(title), body=plain(body))


def rows_for(src: SearchSource, objects: Sequence[Any]) -> dict[int, list[Row]]:
    """What the index should hold for each of ``objects`` (all public)."""
    translated = _translations(src, objects)
    out: dict[int, list[Row]] = {}
    for obj in objects:
        url, organisation_id, date = obj.get_absolute_url(), src.organisation(obj), src.date(obj)
        swedish = src.text(obj)
        rows = [Row(SOURCE, plain(swedish.title), plain(swedish.body), url, organisation_id, date)]
        for language, texts in sorted(translated.get(obj.pk, {}).items()):
            if language == SOURCE:
                continue
            text = _translated_text(obj, src, texts)
            rows.append(Row(language, text.title, text.body, url, organisation_id, date))
        out[obj.pk] = rows
    return out


def index_objects(src: SearchSource, ids: Iterable[int]) -> int:
    """Bring the rows of ``ids`` up to date; returns how many rows were written or removed."""
    wanted_ids = sorted(set(ids))
    changed = 0
    for start in range(0, len(wanted_ids), BATCH):
        chunk = wanted_ids[start : start + BATCH]
        objects = list(src.public().filter(pk__in=chunk))
        wanted = rows_for(src, objects)
        with transaction.atomic():
            existing = {
                (doc.object_id, doc.language): doc
                for doc in Document.objects.select_for_update().filter(
                    source=src.key, object_id__in=chunk
                )
            }
            keep: set[int] = set()
            new: list[Document] = []
            for object_id, rows in wanted.items():
                for row in rows:
                    doc = existing.get((object_id, row.language))
                    if doc is not None and not row.differs(doc):
                        keep.add(doc.pk)
                        continue
                    if doc is not None:
                        keep.add(doc.pk)
                        doc.title, doc.body, doc.url = row.title, row.body, row.url
                        doc.organisation_id, doc.date = row.organisation_id, row.date
                        doc.save(update_fields=["title", "body", "url", "organisation_id", "date"])
                        changed += 1
                        continue
                    new.append(
                        Document(
                            source=src.key,
                            object_id=object_id,
                            language=row.language,
                            title=row.title,
                            body=row.body,
                            url=row.url,
                            organisation_id=row.organisation_id,
                            date=row.date,
                        )
                    )
            gone = [doc.pk for doc in existing.values() if doc.pk not in keep]
            if gone:
                Document.objects.filter(pk__in=gone).delete()
            Document.objects.bulk_create(new)
            changed += len(gone) + len(new)
    return changed


def reindex(*, keys: Sequence[str] = ()) -> int:
    """Index every public object of every source (or of ``keys``) and drop the rows of what is
    no longer public; returns the rows written or removed."""
    changed = 0
    for src in search_sources():
        if keys and src.key not in keys:
            continue
        public_ids = list(src.public().order_by("pk").values_list("pk", flat=True))
        changed += index_objects(src, public_ids)
        indexed = set(
            Document.objects.filter(source=src.key).values_list("object_id", flat=True).distinct()
        )
        stale = indexed - set(public_ids)
        if stale:
            changed += Document.objects.filter(source=src.key, object_id__in=stale).delete()[0]
    known = [src.key for src in search_sources()]
    if not keys:
        changed += Document.objects.exclude(source__in=known).delete()[0]
    return changed


# --- Following saves and deletions ---------------------------------------------------------


def _flush() -> None:
    connection = transaction.get_connection()
    pending: dict[str, set[int]] = getattr(connection, "delaktig_search_pending", None) or {}
    connection.delaktig_search_pending = None
    for key, ids in pending.items():
        try:
            index_objects(source(key), ids)
        except Exception:  # the daily reindex catches up; the write that caused it stands
            logger.exception("search: indexing %s %s failed", key, sorted(ids)[:20])


def _queue(key: str, ids: Iterable[int]) -> None:
    """Index ``ids`` of source ``key`` when the transaction commits (at once outside one)."""
    ids = {int(pk) for pk in ids if pk is not None}
    if not ids:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        connection.delaktig_search_pending = {key: ids}
        _flush()
        return
    pending = getattr(connection, "delaktig_search_pending", None)
    # A rollback drops the callback with what it would have indexed; start afresh then.
    registered = any(entry[1] is _flush for entry in connection.run_on_commit)
    if pending is None or not registered:
        pending = connection.delaktig_search_pending = defaultdict(set)
        transaction.on_commit(_flush, robust=True)
    pending[key].update(ids)


def _receiver(src: SearchSource, ids: Any) -> Any:
    def receive(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
        if kwargs.get("raw"):
            return
        _queue(src.key, ids(instance))

    return receive


def _translation_changed(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    if model is None:
        return
    label = model._meta.label
    for src in search_sources():
        if src.model == label and instance.field in src.translated:
            _queue(src.key, [instance.object_id])


_receivers: list[Any] = []


def connect_signals() -> None:
    for src in search_sources():
        watched: list[tuple[str, Any]] = list(src.depends)
        if src.model not in {label for label, _ids in src.depends}:
            watched.append((src.model, lambda obj: [obj.pk]))
        for label, ids in watched:
            receiver = _receiver(src, ids)
            _receivers.append(receiver)  # signals hold receivers weakly
            model = apps.get_model(label)
            post_save.connect(receiver, sender=model, weak=False)
            post_delete.connect(receiver, sender=model, weak=False)
    if apps.is_installed("delaktig.translations"):
        translation = apps.get_model("translations", "Translation")
        post_save.connect(_translation_changed, sender=translation, weak=False)
        post_delete.connect(_translation_changed, sender=translation, weak=False)
