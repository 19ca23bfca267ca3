"""Writing information pages and the seats in an organisation's bodies. The staff pages and
the demo loader call these; every one checks ``pages.change_page`` first and is audited."""

import re
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import Conflict, ValidationFailed, require_perm
from delaktig.core.ordering import move_in_order, next_position
from delaktig.organisations.models import Body, Organisation

from .models import MAX_DEPTH, Kind, Page, Seat
from .workflow import MACHINE, Action, Status

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("pages.title_missing", field="title")
    return title[:200]


def _slug(slug: str, title: str) -> str:
    slug = (slug or "").strip().lower() or slugify(title)[:80].strip("-")
    if not SLUG.fullmatch(slug) or len(slug) > 80:
        raise ValidationFailed("pages.slug_invalid", field="slug")
    return slug


def _slug_free(
    organisation: Organisation, parent: Page | None, slug: str, page: Page | None
) -> None:
    taken = Page.objects.filter(organisation=organisation, parent=parent, slug=slug)
    if page is not None:
        taken = taken.exclude(pk=page.pk)
    if taken.exists():
        raise Conflict("pages.slug_taken", field="slug", slug=slug)


def _kind(kind: str) -> str:
    return kind if kind in Kind.values else Kind.OTHER.value


def _subtree(page: Page) -> list[Page]:
    """Every page below ``page`` (at most two levels: the tree is shallow)."""
    below = list(Page.objects.filter(parent=page))
    below += list(Page.objects.filter(parent__in=below)) if below else []
    return below


def _check_parent(organisation: Organisation, parent: Page | None, page: Page | None) -> int:
    """The depth a page gets under ``parent``, or the refusal."""
    if parent is None:
        depth = 1
    else:
        if parent.organisation_id != organisation.pk:
            raise ValidationFailed("pages.parent_elsewhere", field="parent")
        if page is not None and (
            parent.pk == page.pk or parent.pk in {p.pk for p in _subtree(page)}
        ):
            raise ValidationFailed("pages.parent_elsewhere", field="parent")
        depth = parent.depth + 1
    height = 0
    if page is not None:
        height = max((p.depth - page.depth for p in _subtree(page)), default=0)
    if depth + height > MAX_DEPTH:
        raise ValidationFailed("pages.too_deep", field="parent", max=MAX_DEPTH)
    return depth


def page_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    kind: str = Kind.OTHER.value,
    slug: str = "",
    summary: str = "",
    body: str = "",
    parent: Page | None = None,
) -> Page:
    """A new draft page, last among its siblings."""
    require_perm(actor, "pages.change_page", organisation)
    title = _title(title)
    slug = _slug(slug, title)
    depth = _check_parent(organisation, parent, None)
    with transaction.atomic():
        # Locks the organisation's row: pages of one organisation are written one at a time.
        position = next_position(
            Page.objects.filter(organisation=organisation, parent=parent), parent=organisation
        )
        _slug_free(organisation, parent, slug, None)
        page = Page.objects.create(
            organisation=organisation,
            parent=parent,
            depth=depth,
            position=position,
            slug=slug,
            kind=_kind(kind),
            title=title,
            summary=(summary or "").strip()[:300],
            body=(body or "").strip(),
            created_by=actor,
            updated_by=actor,
        )
        audit_log(
            actor=actor,
            action="pages.page_create",
            target=page,
            organisation=organisation,
            data={"title": title, "slug": slug},
        )
    return page


def page_update(
    *,
    actor: User,
    page: Page,
    title: str,
    kind: str,
    slug: str = "",
    summary: str = "",
    body: str = "",
    parent: Page | None = None,
) -> Page:
    """Change a page's text, address or place in the tree (its sub-pages move with it)."""
    require_perm(actor, "pages.change_page", page.organisation)
    title = _title(title)
    slug = _slug(slug, title)
    organisation = page.organisation
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).exists()
        page = Page.objects.select_for_update().get(pk=page.pk)
        depth = _check_parent(organisation, parent, page)
        _slug_free(organisation, parent, slug, page)
        parent_id = parent.pk if parent is not None else None
        if parent_id != page.parent_id:
            page.position = next_position(
                Page.objects.filter(organisation=organisation, parent=parent)
            )
            below = _subtree(page)
            for sub in below:
                sub.depth += depth - page.depth
            Page.objects.bulk_update(below, ["depth"])
        page.parent, page.depth, page.slug, page.kind = parent, depth, slug, _kind(kind)
        page.title, page.summary = title, (summary or "").strip()[:300]
        page.body, page.updated_by = (body or "").strip(), actor
        page.save()
        audit_log(
            actor=actor,
            action="pages.page_update",
            target=page,
            organisation=organisation,
            data={"title": title, "slug": slug, "parent": parent_id},
        )
    return page


def page_move(*, actor: User, page: Page, direction: int) -> None:
    """Move a page up (``direction < 0``) or down among its siblings."""
    require_perm(actor, "pages.change_page", page.organisation)
    with transaction.atomic():
        siblings = Page.objects.filter(organisation_id=page.organisation_id, parent=page.parent_id)
        move_in_order(siblings, page, direction)
        audit_log(
            actor=actor,
            action="pages.page_move",
            target=page,
            organisation=page.organisation,
            data={"direction": "down" if direction > 0 else "up"},
        )


def page_transition(*, actor: User, page: Page, action: Action) -> Page:
    """Publish a draft, or take a published page back to draft."""
    require_perm(actor, "pages.change_page", page.organisation)
    with transaction.atomic():
        page = Page.objects.select_for_update().get(pk=page.pk)
        page.status = MACHINE.require(page.status, action).value
        if page.status == Status.PUBLISHED and page.published_at is None:
            page.published_at = timezone.now()
        page.updated_by = actor
        page.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
        audit_log(
            actor=actor,
            action=f"pages.page_{action.value}",
            target=page,
            organisation=page.organisation,
            data={"title": page.title},
        )
    return page


def page_delete(*, actor: User, page: Page) -> None:
    """Delete a page without sub-pages, and its translations."""
    require_perm(actor, "pages.change_page", page.organisation)
    with transaction.atomic():
        page = Page.objects.select_for_update().get(pk=page.pk)
        if Page.objects.filter(parent=page).exists():
            raise Conflict("pages.has_children")
        audit_log(
            actor=actor,
            action="pages.page_delete",
            target=page,
            organisation=page.organisation,
            data={"title": page.title, "slug": page.slug},
        )
        page.translation_rows.all().delete()
        page.delete()


# --- Seats --------------------------------------------------------------------------------


def _seat_fields(name: str, term_start: date, term_end: date) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("pages.name_missing", field="name")
    if term_end < term_start:
        raise ValidationFailed("pages.term_order", field="term_end")
    return name[:120]


def seat_create(
    *,
    actor: User,
    body: Body,
    name: str,
    role: str,
    term_start: date,
    term_end: date,
    party: str = "",
) -> Seat:
    require_perm(actor, "pages.change_page", body.organisation)
    name = _seat_fields(name, term_start, term_end)
    with transaction.atomic():
        seat = Seat.objects.create(
            body=body,
            name=name,
            party=(party or "").strip()[:80],
            role=role if role in Seat.Role.values else Seat.Role.MEMBER.value,
            term_start=term_start,
            term_end=term_end,
            updated_by=actor,
        )
        audit_log(
            actor=actor,
            action="pages.seat_create",
            target=seat,
            organisation=body.organisation,
            data={"body": body.name, "role": seat.role},
        )
    return seat


def seat_update(
    *,
    actor: User,
    seat: Seat,
    body: Body,
    name: str,
    role: str,
    term_start: date,
    term_end: date,
    party: str = "",
) -> Seat:
    organisation = seat.body.organisation
    require_perm(actor, "pages.change_page", organisation)
    if body.organisation_id != organisation.pk:
        raise ValidationFailed("pages.body_elsewhere", field="body")
    name = _seat_fields(name, term_start, term_end)
    with transaction.atomic():
        seat = Seat.objects.select_for_update().get(pk=seat.pk)
        seat.body, seat.name, seat.party = body, name, (party or "").strip()[:80]
        seat.role = role if role in Seat.Role.values else seat.role
        seat.term_start, seat.term_end, seat.updated_by = term_start, term_end, actor
        seat.save()
        audit_log(
            actor=actor,
            action="pages.seat_update",
            target=seat,
            organisation=organisation,
            data={"body": body.name, "role": seat.role},
        )
    return seat


def seat_delete(*, actor: User, seat: Seat) -> None:
    organisation = seat.body.organisation
    require_perm(actor, "pages.change_page", organisation)
    with transaction.atomic():
        # The name stays out of the audit log (``str(seat)`` has none): the log outlives
        # the seat's retention.
        audit_log(
            actor=actor,
            action="pages.seat_delete",
            target=seat,
            organisation=organisation,
            data={"body": seat.body.name, "role": seat.role},
        )
        seat.delete()
