"""Information pages: each organisation's small tree of pages on how it is governed, its
bodies and who sits in them, how to take part, and its Sami and minority pages.

A ``Page`` is written in Swedish (Markdown) and carries translations through
``translations.TranslatedModel``; its lättläst version is a translation into the content
language ``lattlast`` (``core.languages.EASY_READ``), reviewed like any other. Pages form a tree
of at most three levels (``depth``), ordered among their siblings (``position``).

A ``Seat`` is one person's seat in one of the organisation's political bodies
(``organisations.Body``: fullmäktige, styrelse, nämnd) for a term: the names of elected
representatives are public, and a page of kind *bodies* lists them from these rows.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from delaktig.translations.models import TranslatedModel

from .workflow import STATUS_LABELS, Status

STATUS_CHOICES = [(status.value, STATUS_LABELS[status]) for status in Status]
MAX_DEPTH = 3


class Kind(models.TextChoices):
    GOVERNANCE = "governance", _("Så styrs organisationen")
    BODIES = "bodies", _("Organ och ledamöter")
    TAKE_PART = "take_part", _("Så kan du påverka")
    SAMI = "sami", _("Samiska")
    MINORITIES = "minorities", _("Nationella minoriteter")
    OTHER = "other", _("Annan sida")


class Page(TranslatedModel):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="information_pages",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("överordnad sida"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # 1 for a page at the top of the tree; at most MAX_DEPTH.
    depth = models.PositiveSmallIntegerField(_("nivå"), default=1)
    position = models.PositiveIntegerField(_("plats i ordningen"), default=0)
    slug = models.SlugField(_("adress"), max_length=80)
    kind = models.CharField(_("slag av sida"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("rubrik"), max_length=200)
    summary = models.CharField(_("sammanfattning"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=STATUS_CHOICES, default=Status.DRAFT.value
    )
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)
    created = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skapad av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("senast ändrad av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    translated_fields = ("title", "summary", "body")
    markdown_fields = ("body",)

    class Meta:
        verbose_name = _("informationssida")
        verbose_name_plural = _("informationssidor")
        ordering = ["organisation", "depth", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "parent", "slug"], name="page_slug_unique_among_siblings"
            ),
            # NULL is never equal to NULL: the top level needs its own constraint.
            models.UniqueConstraint(
                fields=["organisation", "slug"],
                condition=Q(parent__isnull=True),
                name="page_slug_unique_at_top",
            ),
            models.CheckConstraint(
                condition=Q(depth__gte=1, depth__lte=MAX_DEPTH), name="page_depth_in_range"
            ),
            models.CheckConstraint(
                condition=(Q(parent__isnull=True) & Q(depth=1))
                | (Q(parent__isnull=False) & Q(depth__gt=1)),
                name="page_depth_matches_parent",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="page_status"
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="page_kind"),
        ]
        indexes = [models.Index(fields=["organisation", "status", "kind"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED.value

    def ancestors(self) -> list["Page"]:
        """The pages above this one, the top first (follows ``parent``; select_related
        ``parent__parent`` to read them without queries)."""
        chain: list[Page] = []
        page = self.parent
        while page is not None:
            chain.insert(0, page)
            page = page.parent
        return chain

    @property
    def path(self) -> str:
        return "/".join([*(page.slug for page in self.ancestors()), self.slug])

    def get_absolute_url(self) -> str:
        return reverse("pages:page", kwargs={"slug": self.organisation.slug, "path": self.path})

    def get_staff_url(self) -> str:
        return reverse("pages_staff:page_edit", kwargs={"pk": self.pk})


class Seat(models.Model):
    """One elected representative's seat in a body for a term (mandatperiod)."""

    class Role(models.TextChoices):
        CHAIR = "ordforande", _("Ordförande")
        VICE_CHAIR = "vice", _("Vice ordförande")
        MEMBER = "ledamot", _("Ledamot")
        DEPUTY = "ersattare", _("Ersättare")

    body = models.ForeignKey(
        "organisations.Body",
        verbose_name=_("organ"),
        on_delete=models.CASCADE,
        related_name="seats",
    )
    name = models.CharField(_("namn"), max_length=120)
    party = models.CharField(_("parti"), max_length=80, blank=True)
    role = models.CharField(_("uppdrag"), max_length=12, choices=Role.choices)
    term_start = models.DateField(_("mandatperiod från"))
    term_end = models.DateField(_("mandatperiod till"))
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("senast ändrad av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    # A name of a person (not an account): declared in contributions.py.
    holds_personal_data = True

    class Meta:
        verbose_name = _("uppdrag i organ")
        verbose_name_plural = _("uppdrag i organ")
        ordering = ["body", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gte=F("term_start")),
                name="seat_term_ends_after_start",
                violation_error_message=_("Mandatperioden kan inte sluta innan den börjar."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=["ordforande", "vice", "ledamot", "ersattare"]),
                name="seat_role",
            ),
        ]

    def __str__(self) -> str:
        # No name: the audit log keeps this text longer than the seat's retention.
        return f"{self.get_role_display()}, {self.body}"

    def holds_on(self, day: date) -> bool:
        return self.term_start <= day <= self.term_end


# Chair first, deputies last: the order a body's members are listed in.
ROLE_ORDER = [role.value for role in Seat.Role]
