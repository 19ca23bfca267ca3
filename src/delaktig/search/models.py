"""The site search's index: one row per public object and language (``index.py`` keeps it).

The full-text part lives beside the table and differs by database (migration 0001):

- PostgreSQL: a stored generated ``tsvector`` column ``vector`` (title weight A, text weight B)
  made with the text search configuration of the row's language — ``delaktig_sv`` (the Swedish
  Snowball stemmer after ``unaccent``), ``delaktig_en``, ``delaktig_fi`` or ``delaktig_simple``
  — and a GIN index on it;
- SQLite: an FTS5 table ``search_document_fts`` over title and text (``unicode61`` with
  diacritics removed), kept in step with the table by triggers.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    source = models.CharField(_("källa"), max_length=80)
    object_id = models.BigIntegerField(_("objekt"))
    language = models.CharField(_("språk"), max_length=12)
    # Not a foreign key: the index is rebuilt from the sources, and an organisation's removal
    # removes its objects, whose deletion removes their rows.
    organisation_id = models.BigIntegerField(_("organisation"), null=True, blank=True)
    title = models.TextField(_("rubrik"))
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("adress"), max_length=500)
    date = models.DateTimeField(_("datum"), null=True, blank=True)

    class Meta:
        verbose_name = _("sökdokument")
        verbose_name_plural = _("sökdokument")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "object_id", "language"], name="search_document_unique"
            )
        ]
        # And, made in migration 0001 for each database, search_document_newest on
        # (date DESC NULLS LAST, id DESC): newest first, for a query with too many matches to
        # rank (query.py).
        indexes = [models.Index(fields=["organisation_id", "source"], name="search_doc_org")]

    def __str__(self) -> str:
        return f"{self.source}:{self.object_id}:{self.language}"
