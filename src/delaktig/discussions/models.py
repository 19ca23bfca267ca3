"""Discussion: comments with replies, reports, and moderation shown in the open."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CommentQuerySet(models.QuerySet["Comment"]):
    def for_thread(self) -> "CommentQuerySet":
        return self.shown().select_related("author", "hidden_by").order_by("created", "id")

    def for_page(self) -> "CommentQuerySet":
        """What a thread's page shows of each comment (``templatetags/discussions.py``), and
        the author's public name: no moderator, whose join and columns the page never reads."""
        return (
            self.shown()
            .select_related("author")
            .only(
                "module",
                "author",
                "parent",
                "body",
                "created",
                "hidden_at",
                "hidden_reason",
                "author__display_name",
                "author__deleted_at",
            )
        )

    def shown(self) -> "CommentQuerySet":
        """In the thread: published, or hidden with the reason in its place; not held."""
        return self.filter(held_at__isnull=True)


class Comment(models.Model):
    module = models.ForeignKey(
        "participation.ProcessModule", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(_("kommentar"), max_length=4000)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_reason = models.CharField(_("skäl"), max_length=300, blank=True)
    # Held by screening, or rejected, before it was ever shown: not in the thread at all.
    # The decisions and their reasons, and any review, are in the moderation app.
    held_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("kommentar")
        verbose_name_plural = _("kommentarer")
        ordering = ["created", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="hidden_comment_has_reason",
            )
        ]
        indexes = [
            # A thread's page (newest top-level comments first) and its count, without
            # reading every comment of a discussion with a hundred thousand.
            models.Index(
                fields=["module", "-created", "-id"],
                condition=Q(parent__isnull=True, held_at__isnull=True),
                name="comment_thread_newest",
            ),
            models.Index(
                fields=["module", "parent"],
                condition=Q(held_at__isnull=True),
                name="comment_shown_in_module",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_held(self) -> bool:
        return self.held_at is not None


class ThreadCount(models.Model):
    """A discussion's comments in the thread (not held), replies too, and how many of them
    are top-level: what the thread's heading and its pages need, read as one row instead
    of counted (7 ms at 100,000 comments, ``bench/pages.py``).

    Kept by database triggers on the comment table (migration 0005), never by Python: every
    way a comment is written (the services, moderation, bulk inserts, cascades, the demo
    and the factories) counts alike, and two comments at once both count, since each locks
    the row. A discussion without comments has no row (``selectors.thread_counts``).
    """

    module = models.OneToOneField(
        "participation.ProcessModule",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    shown = models.IntegerField(default=0)
    top_level = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("kommentarsräkning")
        verbose_name_plural = _("kommentarsräkningar")

    def __str__(self) -> str:
        return f"{self.module_id}: {self.shown}"


class CommentReport(models.Model):
    class Reason(models.TextChoices):
        HARASSMENT = "hot_och_hat", _("Hot, hat eller trakasserier")
        DISCRIMINATION = "diskriminering", _("Kränkande eller diskriminerande")
        PERSONAL_DATA = "personuppgifter", _("Känsliga personuppgifter om någon annan")
        SPAM = "spam", _("Reklam eller spam")
        OFF_TOPIC = "utanfor_amnet", _("Hör inte till ämnet")
        OTHER = "annat", _("Annat")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("skäl"), max_length=30, choices=Reason.choices)
    explanation = models.TextField(_("beskriv gärna"), max_length=1000, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("anmälan")
        verbose_name_plural = _("anmälningar")
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.comment_id}"
