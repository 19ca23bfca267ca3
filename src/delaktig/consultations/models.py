"""Consultation on a draft document (samråd, remiss av ett utkast): the document in numbered
versions, comments on a paragraph, a section or the whole, agreement with others' comments,
the invited organisations (remissinstanser), the officials' answers grouped by theme, and the
compilation (samrådsredogörelse) frozen when it is published.

A paragraph's ``key`` is the same passage across versions: publishing a new version matches
its paragraphs to the previous version's (``drafts.align``), so a comment made on paragraph 3.2
of version 1 is still shown beside that passage in version 2, whatever its number now is.
"""

import html

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from delaktig.participation.models import ProcessModule
from delaktig.translations.models import TranslatedModel

from .workflow import STATUS_LABELS, ConsultationStatus

COMMENT_KIND = "consultations.comment"


class Consultation(TranslatedModel):
    """The consultation of one participation module of kind ``consultation``."""

    translated_fields = ("title", "introduction")
    markdown_fields = ("introduction",)

    module = models.OneToOneField(
        ProcessModule, on_delete=models.CASCADE, related_name="consultation"
    )
    title = models.CharField(_("dokumentets namn"), max_length=200)
    introduction = models.TextField(
        _("om samrådet"),
        blank=True,
        help_text=_("Vad synpunkterna ska handla om och hur de används. Markdown."),
    )
    anonymise_residents = models.BooleanField(
        _("visa inte invånarnas namn i samrådsredogörelsen"),
        default=False,
        help_text=_(
            "Invånare visas då som Invånare 1, Invånare 2 och så vidare. Organisationer "
            "visas alltid med namn."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=[(s.value, label) for s, label in STATUS_LABELS.items()],
        default=ConsultationStatus.DRAFT.value,
    )
    summary = models.TextField(
        _("sammanfattning"),
        blank=True,
        help_text=_(
            "Samrådsredogörelsens inledning: vad som kom in och vad som ändrades. Markdown."
        ),
    )
    # The compilation as published: a record that does not change afterwards.
    compilation = models.JSONField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("samråd om utkast")
        verbose_name_plural = _("samråd om utkast")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(compilation__isnull=False),
                name="published_consultation_has_compilation",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:document", kwargs={"module_pk": self.module_id})


class DocumentVersion(models.Model):
    """One version of the draft. Published versions are frozen; one unpublished version at a
    time is the officials' working copy."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("rubrik"), max_length=200)
    source = models.TextField(_("dokumentet"), help_text=_("Markdown."))
    changes = models.TextField(
        _("vad som har ändrats"),
        blank=True,
        help_text=_("Visas överst i versionen och i samrådsredogörelsen. Markdown."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("version av utkastet")
        verbose_name_plural = _("versioner av utkastet")
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="consultation_version_number_once"
            ),
            models.UniqueConstraint(
                fields=["consultation"],
                condition=Q(published_at__isnull=True),
                name="consultation_one_working_copy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation} v{self.number}"


class Paragraph(models.Model):
    """A numbered heading (a section) or paragraph of one version."""

    class Kind(models.TextChoices):
        HEADING = "heading", _("Avsnitt")
        PARAGRAPH = "paragraph", _("Stycke")

    version = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, related_name="paragraphs"
    )
    key = models.PositiveIntegerField(help_text="The same passage across versions.")
    position = models.PositiveIntegerField()
    number = models.CharField(_("nummer"), max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(default=0)
    # The number of the top-level section it is in ("3"); "0" before the first heading.
    section = models.CharField(max_length=40, blank=True)
    text = models.TextField()
    html = models.TextField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="paragraph_position_once"),
            models.UniqueConstraint(fields=["version", "key"], name="paragraph_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:40]}"

    @property
    def plain_text(self) -> str:
        """The rendered text without its markup, as a template escapes it once: for a heading
        in a list of links, where ``html|striptags`` would show "Mål &amp; medel"."""
        return html.unescape(strip_tags(self.html)).strip()


def passage_label(kind: str, number: str) -> str:
    """Where a comment is, in words: "Stycke 3.2", "Avsnitt 3" (a heading) or, for no passage
    (``kind`` ""), "Hela dokumentet"."""
    if not kind:
        return str(_("Hela dokumentet"))
    if kind == Paragraph.Kind.HEADING:
        return str(_("Avsnitt %(number)s") % {"number": number})
    return str(_("Stycke %(number)s") % {"number": number})


class Invitation(models.Model):
    """A remissinstans: an organisation (or one of the organisation's councils) invited to
    answer, with its deadline and the named contact who answers on its behalf."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="invitations"
    )
    name = models.CharField(_("organisation"), max_length=200)
    council = models.ForeignKey(
        "councils.Council",
        verbose_name=_("råd"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Ett av organisationens råd. Ordföranden eller sekreteraren svarar."),
    )
    contact_name = models.CharField(_("kontaktperson"), max_length=120, blank=True)
    contact_email = models.EmailField(_("kontaktpersonens e-post"), blank=True)
    deadline = models.DateField(_("svar senast"))
    invited_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # "Inget att invända": the organisation answered that it has no comments.
    no_comments_at = models.DateTimeField(null=True, blank=True)
    no_comments_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("remissinstans")
        verbose_name_plural = _("remissinstanser")
        ordering = ["consultation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "name"], name="invitation_name_once"),
            models.CheckConstraint(
                condition=Q(council__isnull=False) | ~Q(contact_email=""),
                name="invitation_has_contact",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    """A group of comments the officials answer together."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("tema"), max_length=120)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tema")
        verbose_name_plural = _("teman")
        ordering = ["consultation", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "name"], name="theme_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class Stance(models.TextChoices):
    ACCEPTED = "accepted", _("Tillgodoses")
    PARTLY = "partly", _("Tillgodoses delvis")
    NOT_ACCEPTED = "not_accepted", _("Tillgodoses inte")
    NOTED = "noted", _("Noteras")


class Answer(models.Model):
    """The authority's answer to one comment or to a group of them."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="answers")
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="answers"
    )
    stance = models.CharField(_("ställningstagande"), max_length=20, choices=Stance.choices)
    reason = models.TextField(_("svar och skäl"))
    change = models.TextField(
        _("ändring i dokumentet"),
        blank=True,
        help_text=_("Vad som ändrades i utkastet, till exempel ”Stycke 3.2 har skrivits om”."),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField()

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        ordering = ["consultation", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="consultation_answer_has_reason")
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.reason[:40]}"


class Comment(models.Model):
    """A comment on one paragraph or section of the version it was made on (or on the whole
    document: no paragraph), by a resident or on behalf of an invited organisation."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Publicerad")
        HELD = "held", _("Väntar på granskning")
        REMOVED = "removed", _("Borttagen av moderator")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments"
    )
    paragraph = models.ForeignKey(
        Paragraph,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comments",
    )
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comments",
        help_text="Given on behalf of this invited organisation.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_comments",
    )
    author_name = models.CharField(max_length=150, blank=True)
    text = models.TextField(_("synpunkt"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    created = models.DateTimeField(auto_now_add=True)
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    answer = models.ForeignKey(
        Answer, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    agreements_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("synpunkt")
        verbose_name_plural = _("synpunkter")
        ordering = ["consultation", "created", "id"]
        indexes = [
            models.Index(fields=["consultation", "status"]),
            # The comments per passage on the document page (counted in the index), and a
            # passage's page of comments, oldest first.
            models.Index(
                fields=["consultation", "status", "paragraph"], name="consultation_comment_counts"
            ),
            models.Index(
                fields=["paragraph", "status", "created", "id"], name="consultation_passage_page"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def module(self) -> ProcessModule:
        """The consultation's participation module: the organisation a permission about the
        comment is asked for (``moderation.moderate_item``) is found through it."""
        return self.consultation.module


class Agreement(models.Model):
    """A person agrees with a comment (håller med); once per person and comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="agreements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="agree_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.comment_id}"
