"""Councils (pensionärsråd, tillgänglighetsråd, brukarråd, ungdomsråd, samråd), their
members, and referrals (remisser) they answer."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from delaktig.translations.models import TranslatedModel

if TYPE_CHECKING:
    from .compensation import Claim, Rules


class Council(TranslatedModel):
    translated_fields = ("name", "mandate")
    markdown_fields = ("mandate",)

    class Kind(models.TextChoices):
        PENSIONERS = "pensionarsrad", _("Pensionärsråd")
        ACCESSIBILITY = "tillganglighetsrad", _("Tillgänglighetsråd")
        USERS = "brukarrad", _("Brukarråd")
        YOUTH = "ungdomsrad", _("Ungdomsråd")
        SAMI = "samiskt_samrad", _("Samiskt samråd")
        MINORITY = "minoritetssamrad", _("Samråd med nationell minoritet")
        OTHER = "annat", _("Annat råd")

    class Minority(models.TextChoices):
        JEWS = "judar", _("Judar")
        ROMA = "romer", _("Romer")
        SAMI = "samer", _("Samer")
        SWEDE_FINNS = "sverigefinnar", _("Sverigefinnar")
        TORNEDALIANS = "tornedalingar", _("Tornedalingar")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="councils",
    )
    kind = models.CharField(_("typ av råd"), max_length=30, choices=Kind.choices)
    minority = models.CharField(
        _("nationell minoritet"), max_length=20, choices=Minority.choices, blank=True
    )
    name = models.CharField(_("namn"), max_length=150)
    slug = models.SlugField(_("kortnamn"), unique=True)
    mandate = models.TextField(
        _("uppdrag"), help_text=_("Vad rådet gör och får yttra sig om. Markdown.")
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sekreterare"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("råd")
        verbose_name_plural = _("råd")
        ordering = ["organisation", "name"]
        indexes = [models.Index(fields=["name", "id"], name="council_by_name")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="minoritetssamrad") | ~Q(minority=""),
                name="minority_council_names_its_minority",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("councils:detail", kwargs={"slug": self.slug})


class Membership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "ordforande", _("Ordförande")
        VICE_CHAIR = "vice", _("Vice ordförande")
        MEMBER = "ledamot", _("Ledamot")
        DEPUTY = "ersattare", _("Ersättare")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="council_memberships",
        help_text=_("Kontot som svarar på remisser i plattformen."),
    )
    name = models.CharField(_("namn"), max_length=120)
    nominated_by = models.CharField(
        _("nominerad av"),
        max_length=150,
        blank=True,
        help_text=_("Organisationen som föreslog ledamoten."),
    )
    role = models.CharField(_("roll"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    term_start = models.DateField(_("mandatperiod från"))
    term_end = models.DateField(_("mandatperiod till"))

    class Meta:
        verbose_name = _("ledamot")
        verbose_name_plural = _("ledamöter")
        ordering = ["council", "role", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gte=F("term_start")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def public_name(self) -> str:
        """The name the public sees: none once the member's account is deleted."""
        if self.user is not None:
            return self.user.signed(self.name)
        return self.name or str(_("Borttagen användare"))

    @property
    def staff_name(self) -> str:
        """The name officials see; it is kept while compensation records need it."""
        return self.name or str(_("Borttagen användare"))


class Referral(TranslatedModel):
    """A remiss: a matter sent to councils for their views, with a deadline."""

    # The texts the public reads on the referral's page; the councils' answers stay in the
    # language they were written in.
    translated_fields = ("title", "question", "body", "how_used")
    markdown_fields = ("body", "how_used")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="referrals"
    )
    title = models.CharField(_("rubrik"), max_length=200)
    question = models.TextField(_("frågan till rådet"))
    body = models.TextField(_("underlag"), blank=True, help_text=_("Markdown."))
    deadline = models.DateField(_("svar senast"))
    councils = models.ManyToManyField(Council, verbose_name=_("råd"), related_name="referrals")
    module = models.ForeignKey(
        "participation.ProcessModule",
        verbose_name=_("del av deltagandeprocess"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    how_used = models.TextField(
        _("så användes svaren"), blank=True, help_text=_("Återkoppling till råden. Markdown.")
    )
    how_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("remiss")
        verbose_name_plural = _("remisser")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("councils:referral", kwargs={"pk": self.pk})


class ReferralResponse(models.Model):
    class Kind(models.TextChoices):
        JOINT = "joint", _("Rådets gemensamma svar")
        INDIVIDUAL = "individual", _("Ledamotens egen synpunkt")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="responses")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("typ av svar"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("svar"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "council"],
                condition=Q(kind="joint"),
                name="one_joint_answer_per_council",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}:{self.council_id}:{self.kind}"


class CompensationModel(models.Model):
    """Ersättningsmodell: how the organisation pays residents who take part in councils."""

    class FeeBasis(models.TextChoices):
        MEETING = "meeting", _("Per möte")
        HALF_DAY = "half_day", _("Per halvdag")

    class TravelBasis(models.TextChoices):
        DISTANCE = "distance", _("Milersättning efter avstånd")
        ACTUAL = "actual", _("Faktisk kostnad mot kvitto")

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="compensation_model"
    )
    fee_basis = models.CharField(
        _("arvode"), max_length=10, choices=FeeBasis.choices, default=FeeBasis.HALF_DAY
    )
    fee = models.DecimalField(_("arvode, kronor"), max_digits=8, decimal_places=2)
    lost_earnings_cap_per_half_day = models.DecimalField(
        _("förlorad arbetsinkomst, högst kronor per halvdag"), max_digits=8, decimal_places=2
    )
    travel_basis = models.CharField(
        _("resor"), max_length=10, choices=TravelBasis.choices, default=TravelBasis.DISTANCE
    )
    travel_per_km = models.DecimalField(
        _("kronor per kilometer"), max_digits=6, decimal_places=2, default=2.50
    )

    class Meta:
        verbose_name = _("ersättningsmodell")
        verbose_name_plural = _("ersättningsmodeller")
        constraints = [
            models.CheckConstraint(
                condition=Q(fee__gte=0)
                & Q(lost_earnings_cap_per_half_day__gte=0)
                & Q(travel_per_km__gte=0),
                name="compensation_amounts_not_negative",
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    def rules(self) -> "Rules":
        from .compensation import Rules

        return Rules(
            self.fee_basis,
            self.fee,
            self.lost_earnings_cap_per_half_day,
            self.travel_basis,
            self.travel_per_km,
        )


class Attendance(models.Model):
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="attendance"
    )
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="attendance")
    present = models.BooleanField(_("närvarande"), default=False)
    half_days = models.PositiveSmallIntegerField(_("halvdagar"), default=1)
    lost_earnings = models.DecimalField(
        _("förlorad arbetsinkomst"), max_digits=8, decimal_places=2, default=0
    )
    travel_km = models.DecimalField(_("resa, km"), max_digits=7, decimal_places=1, default=0)
    travel_cost = models.DecimalField(_("resa, kostnad"), max_digits=8, decimal_places=2, default=0)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="attendance_once"),
            models.CheckConstraint(
                condition=Q(half_days__gte=1) & Q(half_days__lte=2),
                name="attendance_one_or_two_half_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.membership_id}"

    def claim(self) -> "Claim":
        from .compensation import Claim

        return Claim(
            self.present, self.half_days, self.lost_earnings, self.travel_km, self.travel_cost
        )
