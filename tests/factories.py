"""factory_boy factories for the whole suite."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from delaktig.accounts.models import DemographicProfile, Role, User
from delaktig.discussions.models import Comment
from delaktig.organisations.models import Body, Municipality, Organisation
from delaktig.participation.models import Phase, Process, ProcessModule


class MunicipalityFactory(factory.django.DjangoModelFactory[Municipality]):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{2300 + (n % 99):04d}")
    name = factory.Sequence(lambda n: f"Kommun {n}")


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")
    kind = Organisation.Kind.REGION
    scb_code = factory.Sequence(lambda n: n)

    @classmethod
    def _create(cls, model_class: type[Organisation], *args: Any, **kwargs: Any) -> Organisation:
        # The sequence only gives a starting point: the two-digit codes wrap
        # after 89 regions, and tests create Jämtland ("23") by its code,
        # perhaps after other regions, so take the first free code but "23".
        code = kwargs["scb_code"]
        if isinstance(code, int):
            taken = {"23", *Organisation.objects.values_list("scb_code", flat=True)}
            candidates = (f"{10 + (code + step) % 89:02d}" for step in range(89))
            kwargs["scb_code"] = next(c for c in candidates if c not in taken)
        return super()._create(model_class, *args, **kwargs)


class BodyFactory(factory.django.DjangoModelFactory[Body]):
    class Meta:
        model = Body

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Nämnd {n}")
    kind = Body.Kind.COMMITTEE


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.se")
    username = factory.SelfAttribute("email")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "lösenord-123")

    @factory.post_generation
    def verified(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


def role(user: User, kind: str, organisation: Organisation | None = None) -> User:
    Role.objects.create(user=user, kind=kind, organisation=organisation)
    return user


class ProcessFactory(factory.django.DjangoModelFactory[Process]):
    class Meta:
        model = Process

    organisation = factory.SubFactory(OrganisationFactory)
    slug = factory.Sequence(lambda n: f"process-{n}")
    title = factory.Sequence(lambda n: f"Dialog nummer {n}")
    summary = "Vi vill veta vad du tycker."
    ladder_step = 3
    question = "Vad tycker du?"
    purpose = "Att få underlag."
    input_use = "Sammanställs till nämnden."
    decision_maker = "Regionstyrelsen"
    status = "open"
    published_at = factory.LazyFunction(timezone.now)


class ModuleFactory(factory.django.DjangoModelFactory[ProcessModule]):
    class Meta:
        model = ProcessModule

    process = factory.SubFactory(ProcessFactory)
    kind = "discussion"
    title = "Diskussion"


class PhaseFactory(factory.django.DjangoModelFactory[Phase]):
    class Meta:
        model = Phase

    module = factory.SubFactory(ModuleFactory)
    process = factory.SelfAttribute("module.process")
    phase_type = "discussion"
    name = "Dialog"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class CommentFactory(factory.django.DjangoModelFactory[Comment]):
    class Meta:
        model = Comment

    module = factory.SubFactory(ModuleFactory)
    author = factory.SubFactory(UserFactory)
    body = "En synpunkt."


class ProfileFactory(factory.django.DjangoModelFactory[DemographicProfile]):
    class Meta:
        model = DemographicProfile

    user = factory.SubFactory(UserFactory)
    consent_given_at = factory.LazyFunction(timezone.now)
    birth_year = 1980
    sex = "kvinna"
    municipality = factory.SubFactory(MunicipalityFactory)


def phases_around(
    module: ProcessModule, *, now: datetime, kinds: Sequence[str], stage: str, days: int
) -> None:
    """One phase of each of ``kinds``, in that order and ``days`` long, placed so that the
    ``stage`` phase is half over at ``now`` (the others before and after it). For a module's
    tests that never depend on today's date."""
    index = kinds.index(stage)
    for position, phase_type in enumerate(kinds):
        starts = now + timedelta(days=(position - index) * days - days / 2)
        PhaseFactory(
            module=module,
            process=module.process,
            phase_type=phase_type,
            name=phase_type.capitalize(),
            starts_at=starts,
            ends_at=starts + timedelta(days=days),
        )


def open_discussion(**process_kwargs: Any) -> ProcessModule:
    """An open process with a discussion module in a running discussion phase."""
    process = ProcessFactory(**process_kwargs)
    module = ModuleFactory(process=process)
    PhaseFactory(module=module, process=process)
    return module


def proposal_rules(organisation: Organisation, **overrides: Any) -> Any:
    from delaktig.proposals.models import ProposalSettings

    values: dict[str, Any] = {"enabled": True, "threshold_value": 3, "support_period_days": 30}
    values.update(overrides)
    return ProposalSettings.objects.create(organisation=organisation, **values)


def submitted_days_ago(proposal: Any, days: int) -> Any:
    """Say ``proposal`` came in ``days`` ago, so that it may be registered (diariefört) as far
    back: diarieföring lies between the day it was submitted and today. Noon of that local
    day, so that a change to or from summer time in between does not move it a day."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    day = timezone.localdate() - timedelta(days=days)
    noon = timezone.make_aware(datetime.combine(day, time(12)))
    type(proposal).objects.filter(pk=proposal.pk).update(submitted_at=noon)
    proposal.refresh_from_db()
    return proposal


def verified_resident(municipality: Municipality, number: str | None = None) -> User:
    """A user verified as folkbokförd in ``municipality`` with a valid personnummer."""
    from delaktig.identity.models import Verification
    from delaktig.identity.personnummer import luhn_check_digit
    from delaktig.identity.services import identity_of

    user = UserFactory()
    if number is None:
        nine = f"8001{user.pk % 28 + 1:02d}{user.pk % 1000:03d}"
        number = f"{nine}{luhn_check_digit(nine)}"
    digest, birth_date = identity_of(number)
    Verification.objects.create(
        user=user,
        method="official",
        identity_hash=digest,
        birth_date=birth_date,
        municipality=municipality,
        verified_at=timezone.now(),
    )
    return user


def collecting_proposal(organisation: Organisation, title: str = "Cykelbana") -> Any:
    """A proposal by a verified resident of the organisation's first municipality, submitted
    and published by an official: collecting support under the organisation's rules."""
    from delaktig.proposals import services

    official = role(UserFactory(), "official", organisation)
    author = verified_resident(organisation.municipalities.order_by("pk").first())
    draft = services.proposal_save_draft(
        actor=author, organisation=organisation, title=title, body="Text", author_name="Kim"
    )
    submitted = services.proposal_submit(actor=author, proposal=draft)
    return services.proposal_publish(actor=official, proposal=submitted)


# --- Impact assessments (delaktig.assessments) ---------------------------------------------------

from delaktig.assessments.models import ImpactAssessment  # noqa: E402 - this block's own import


class ImpactAssessmentFactory(factory.django.DjangoModelFactory[ImpactAssessment]):
    """A draft child impact assessment prepared by an official of its organisation."""

    class Meta:
        model = ImpactAssessment

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "child"
    title = factory.Sequence(lambda n: f"Barnkonsekvensanalys {n}")
    decision_summary = "Nämnden beslutar om nya öppettider för fritidsgårdarna."
    template_version = 1
    prepared_by = factory.LazyAttribute(lambda o: role(UserFactory(), "official", o.organisation))
    last_edited_by = factory.SelfAttribute("prepared_by")


def complete_child_answers() -> dict[str, Any]:
    """Answers to every section of the child template that a signed-off analysis would have."""
    from delaktig.assessments.kinds import CHILD, FieldType

    answers: dict[str, Any] = {}
    for section in CHILD.sections:
        if section.field_type is FieldType.MULTICHOICES:
            answers[section.key] = [section.options[0].key, section.options[1].key]
        elif section.field_type is FieldType.CHOICES:
            answers[section.key] = section.options[0].key
        else:
            answers[section.key] = f"Svar om {section.key}."
    return answers


# --- end of impact assessments -------------------------------------------------------------------
