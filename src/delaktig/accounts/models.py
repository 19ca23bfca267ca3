"""People, their roles, and the optional demographic profile kept apart from the account."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """An account. The public name is chosen by the person; the e-mail is never shown."""

    display_name = models.CharField(
        _("visningsnamn"),
        max_length=80,
        blank=True,
        help_text=_(
            "Namnet som visas vid det du skriver. Lämna tomt för att visas som ”Deltagare”."
        ),
    )
    deleted_at = models.DateTimeField(_("borttaget"), null=True, blank=True)

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")

    @property
    def public_name(self) -> str:
        if self.deleted_at:
            return str(_("Borttagen användare"))
        return self.display_name or str(_("Deltagare"))

    def signed(self, typed_name: str) -> str:
        """A name typed on something this person sent in (a proposal, a question), as the
        public sees it: none once the account is deleted or the name was erased."""
        if self.deleted_at or not typed_name:
            return str(_("Borttagen användare"))
        return typed_name


class Role(models.Model):
    """A staff role. Residents need no row: every verified account is a resident."""

    class Kind(models.TextChoices):
        MODERATOR = "moderator", _("Moderator")
        OFFICIAL = "official", _("Tjänsteperson")
        ADMINISTRATOR = "administrator", _("Administratör")
        # The organisation's security function (säkerhetsfunktion): reads and follows up the
        # incident log of threats, harassment and violence against its people.
        SECURITY = "security", _("Säkerhetsfunktion")
        # An elected representative (förtroendevald) of the organisation: no staff rights, but
        # the knowledge bank and the incident log know them as such.
        ELECTED = "elected", _("Förtroendevald")
        # Translates the organisation's texts into the languages in ``languages`` (and marks
        # translations reviewed), in the translators' workbench. No other staff rights.
        TRANSLATOR = "translator", _("Översättare")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("roll"), max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
    )
    # For a translator: the content languages (core.languages codes) they translate into.
    languages = models.JSONField(_("språk"), default=list, blank=True)

    class Meta:
        verbose_name = _("roll")
        verbose_name_plural = _("roller")
        constraints = [
            # Every role but the administrator's belongs to one organisation.
            models.CheckConstraint(
                condition=Q(kind="administrator", organisation__isnull=True)
                | (
                    Q(kind__in=["moderator", "official", "security", "elected", "translator"])
                    & Q(organisation__isnull=False)
                ),
                name="role_scope_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "organisation"],
                name="role_unique_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(organisation__isnull=True),
                name="role_unique_global",
            ),
        ]

    def __str__(self) -> str:
        if self.organisation_id:
            return f"{self.get_kind_display()} – {self.organisation}"
        return str(self.get_kind_display())


class DemographicProfile(models.Model):
    """Given voluntarily with explicit consent; only ever used in aggregates.

    Stored in its own table so that it can be withheld from every query that does not
    need it and removed without touching the account.
    """

    class Sex(models.TextChoices):
        WOMAN = "kvinna", _("Kvinna")
        MAN = "man", _("Man")
        OTHER = "annat", _("Annat")
        UNDISCLOSED = "vill_inte_uppge", _("Vill inte uppge")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="demographic_profile")
    consent_given_at = models.DateTimeField(_("samtycke lämnat"))
    birth_year = models.PositiveSmallIntegerField(_("födelseår"), null=True, blank=True)
    sex = models.CharField(_("kön"), max_length=20, choices=Sex.choices, blank=True)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        verbose_name=_("hemkommun"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("demografisk profil")
        verbose_name_plural = _("demografiska profiler")
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="profile_birth_year_plausible",
            )
        ]

    def __str__(self) -> str:
        return f"profile:{self.user_id}"
