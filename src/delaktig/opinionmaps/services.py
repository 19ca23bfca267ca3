"""Writes to opinion maps: settings, statements, votes, moderation, recompute and import.

Every change that alters what the maths reads bumps ``OpinionMap.version`` and asks for a
recompute. The recompute runs as a background task, debounced: while one is queued, new
votes join it instead of queueing another (see :func:`recompute_request`). The reads (the
vote matrix, the Polis export) are in ``selectors.py``.
"""

import tempfile
import unicodedata
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from delaktig.accounts.predicates import require_perm_in_phase
from delaktig.accounts.types import User
from delaktig.core import uploads
from delaktig.core.audit import audit_log
from delaktig.core.errors import (
    Conflict,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
    require_perm,
)
from delaktig.core.ordering import next_position
from delaktig.moderation import services as moderation
from delaktig.moderation.models import Decision
from delaktig.participation.models import ProcessModule

from . import maths, polisdata, selectors, serial
from .models import (
    STATEMENT_KIND,
    STATEMENT_MAX_LENGTH,
    MapResult,
    OpinionMap,
    Participant,
    Statement,
    Vote,
)

# Seconds a recompute waits after it is asked for, so that a burst of votes is one run.
RECOMPUTE_DELAY = 10
IMPORT_BATCH = 5000
MAX_IMPORT_BYTES = 50 * 1024 * 1024  # uncompressed, all three files together
REJECTED_IN_POLIS = "Modererades bort i Polis."
# An export leaves out the text of statements not yet published (ours does): they cannot be
# shown, so they arrive rejected.
REJECTED_WITHOUT_TEXT = "Påståendets text fanns inte i exporten."


# --- Settings ---------------------------------------------------------------------------


def map_configure(
    *,
    actor: User,
    module: ProcessModule,
    topic: str | None = None,
    moderation: OpinionMap.Moderation | None = None,
    allow_statements: bool | None = None,
    results_public: bool | None = None,
) -> OpinionMap:
    """Create or change the map of ``module``; a setting left as None is not changed."""
    require_perm(actor, "opinionmaps.manage_map", module.process)
    given = {
        "topic": topic,
        "moderation": moderation,
        "allow_statements": allow_statements,
        "results_public": results_public,
    }
    fields = {name: value for name, value in given.items() if value is not None}
    if topic is not None and not topic.strip():
        raise ValidationFailed("opinionmaps.topic_required", field="topic")
    with transaction.atomic():
        opinion_map, created = OpinionMap.objects.select_for_update().get_or_create(
            module=module, defaults=fields
        )
        if not created:
            for name, value in fields.items():
                setattr(opinion_map, name, value)
            opinion_map.save(update_fields=list(fields))
        audit_log(
            actor=actor,
            action="opinionmap.create" if created else "opinionmap.change",
            target=opinion_map,
            organisation=module.process.organisation,
            data={k: str(v) for k, v in fields.items()},
        )
    return opinion_map


# --- Participants, statements and votes ------------------------------------------------


def _next_number(model: type[Participant] | type[Statement], opinion_map: OpinionMap) -> int:
    """The next per-map number; the caller holds the map's row lock."""
    return next_position(model.objects.filter(map=opinion_map), field="number")


def _locked_map(opinion_map: OpinionMap) -> OpinionMap:
    return OpinionMap.objects.select_for_update().get(pk=opinion_map.pk)


def participant_get_or_create(*, opinion_map: OpinionMap, user: User) -> Participant:
    """The user's participant in this map, created on first use. Call inside a transaction."""
    found = Participant.objects.filter(map=opinion_map, user=user).first()
    if found is not None:
        return found
    _locked_map(opinion_map)
    found = Participant.objects.filter(map=opinion_map, user=user).first()
    if found is not None:  # another request created it while we waited for the lock
        return found
    return Participant.objects.create(
        map=opinion_map, user=user, number=_next_number(Participant, opinion_map)
    )


def _bump(opinion_map: OpinionMap) -> None:
    OpinionMap.objects.filter(pk=opinion_map.pk).update(version=F("version") + 1)
    recompute_request(opinion_map=opinion_map)


def _require_taking_part(actor: User, opinion_map: OpinionMap, perm: str, action: str) -> None:
    """Refuse unless ``actor`` has ``perm`` on the map: an active account, and a running phase
    of the map's module that allows ``action``. The first two checks only say which of the two
    is missing (log in, or no such phase now)."""
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied("opinionmaps.login_required")
    require_perm_in_phase(actor, perm, opinion_map, action=action)


def vote_cast(*, actor: User, statement: Statement, value: int) -> Vote:
    """Cast or change the actor's vote on a published statement (1, -1 or 0 for pass)."""
    opinion_map = statement.map
    _require_taking_part(actor, opinion_map, "opinionmaps.add_vote", "vote")
    if value not in Vote.Value.values:
        raise ValidationFailed("opinionmaps.invalid_vote")
    if statement.status != Statement.Status.PUBLISHED:
        raise ValidationFailed("opinionmaps.statement_not_votable")
    now = timezone.now()
    for attempt in range(2):
        try:
            with transaction.atomic():
                # The map's row first, as every path that writes to the map takes it (a new
                # participant's number, the version raised below): a vote row locked before
                # the map's deadlocked with a new participant's vote on PostgreSQL.
                _locked_map(opinion_map)
                participant = participant_get_or_create(opinion_map=opinion_map, user=actor)
                current = (
                    Vote.objects.select_for_update()
                    .filter(participant=participant, statement=statement)
                    .first()
                )
                if current is not None and current.value == value:
                    return current  # the same vote again (a double click) changes nothing
                if current is None:
                    current = Vote.objects.create(
                        participant=participant,
                        statement=statement,
                        value=value,
                        created=now,
                        updated=now,
                    )
                else:
                    current.value, current.updated = value, now
                    current.save(update_fields=["value", "updated"])
                _bump(opinion_map)
                return current
        except IntegrityError:
            # Two requests created the same participant or vote at once; the second try
            # finds the row the first one made.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split()).rstrip(".!?")


def statement_create(
    *,
    actor: User,
    opinion_map: OpinionMap,
    text: str,
    personal_data_ok: bool = False,
    accept_rules: bool = False,
) -> Statement:
    """A participant's own statement; published at once or after review, per the map.

    Screened first (:mod:`delaktig.moderation.services`): personal data is pointed out to the
    writer (``personal_data_ok`` sends it anyway), and a statement in which screening finds a
    threat, hate or harassment waits for a moderator (``pending``, with a held decision) even
    in a map moderated after publishing.
    """
    _require_taking_part(actor, opinion_map, "opinionmaps.add_statement", "write")
    if not opinion_map.allow_statements:
        raise PermissionDenied("opinionmaps.statements_by_staff_only")
    text = " ".join(text.split())
    _validate_text(text)
    screened = moderation.submission_check(
        actor=actor,
        organisation_id=opinion_map.module.process.organisation_id,
        text=text,
        field="text",
        personal_data_ok=personal_data_ok,
        accept_rules=accept_rules,
    )
    limit, window = settings.DELAKTIG_COMMENT_RATE
    since = timezone.now() - timedelta(seconds=window)
    with transaction.atomic():
        participant = participant_get_or_create(opinion_map=opinion_map, user=actor)
        _locked_map(opinion_map)
        if Statement.objects.filter(author=participant, created__gte=since).count() >= limit:
            raise RateLimited()
        _refuse_duplicate(opinion_map, text)
        statement = Statement.objects.create(
            map=opinion_map,
            number=_next_number(Statement, opinion_map),
            text=text,
            author=participant,
            status=Statement.Status.PENDING,
        )
        held = moderation.screening_apply(kind=STATEMENT, item=statement, result=screened)
        if held is None and opinion_map.moderation == OpinionMap.Moderation.AFTER:
            statement.status = Statement.Status.PUBLISHED
            statement.save(update_fields=["status"])
            _author_agrees(statement)
            _bump(opinion_map)
    return statement


def _author_agrees(statement: Statement) -> None:
    """As in Polis, the author agrees with what they wrote (once it is published)."""
    if statement.author_id is None:
        return
    now = timezone.now()
    Vote.objects.get_or_create(
        participant_id=statement.author_id,
        statement=statement,
        defaults={"value": 1, "created": now, "updated": now},
    )


def _validate_text(text: str) -> None:
    if not text:
        raise ValidationFailed("opinionmaps.empty_statement", field="text")
    if len(text) > STATEMENT_MAX_LENGTH:
        raise ValidationFailed(
            "opinionmaps.statement_too_long", field="text", max=STATEMENT_MAX_LENGTH
        )


def _refuse_duplicate(opinion_map: OpinionMap, text: str) -> None:
    folded = _fold(text)
    texts = Statement.objects.filter(map=opinion_map).values_list("text", flat=True)
    if any(_fold(other) == folded for other in texts.iterator()):
        raise ValidationFailed("opinionmaps.duplicate_statement", field="text")


def seed_statement_create(*, actor: User, opinion_map: OpinionMap, text: str) -> Statement:
    """A statement written by staff to start the conversation; published at once."""
    require_perm(actor, "opinionmaps.manage_map", opinion_map.module.process)
    text = " ".join(text.split())
    _validate_text(text)
    with transaction.atomic():
        _locked_map(opinion_map)
        _refuse_duplicate(opinion_map, text)
        statement = Statement.objects.create(
            map=opinion_map,
            number=_next_number(Statement, opinion_map),
            text=text,
            is_seed=True,
            status=Statement.Status.PUBLISHED,
            moderated_at=timezone.now(),
            moderated_by=actor,
        )
        audit_log(
            actor=actor,
            action="opinionmap.seed_statement",
            target=statement,
            organisation=opinion_map.module.process.organisation,
        )
        _bump(opinion_map)
    return statement


STATEMENT = STATEMENT_KIND


def _statement_locked(statement: Statement) -> Statement:
    # Only the statement row: its author may be gone (an outer join cannot be locked).
    return (
        Statement.objects.select_for_update(of=("self",))
        .select_related("author__user", "map__module__process")
        .get(pk=statement.pk)
    )


def statement_withhold(item: Statement, decision: Decision) -> None:
    """The moderation service's way to take a statement out of the map: screening's hold
    leaves it waiting for a moderator (``pending``); a rejection (or hiding, which a map has
    no place for) rejects it with the reason, shown to its author. Called inside the
    service's transaction, with the statement locked."""
    if decision.action == Decision.Action.HELD:
        item.status = Statement.Status.PENDING
        item.save(update_fields=["status"])
        return
    item.status = Statement.Status.REJECTED
    item.rejection_reason = decision.reason[:300]
    item.moderated_at = timezone.now()
    item.moderated_by = decision.decided_by
    item.save(update_fields=["status", "rejection_reason", "moderated_at", "moderated_by"])
    # A rejected statement leaves the votes the maths reads (and counts as moderated out).
    _bump(item.map)


def _decided_by(statement: Statement) -> User | None:
    """The moderator behind the statement's latest decision: who released it, or who
    reversed the withholding on review."""
    decision = moderation.latest_decision(kind=STATEMENT, object_id=statement.pk)
    if decision is None:
        return None
    if decision.action == Decision.Action.RELEASED:
        return decision.decided_by
    return decision.reviewed_by


def statement_release(item: Statement) -> None:
    """The moderation service publishes a withheld statement (a moderator's release, or a
    reversal on review): published, with its author's agree vote, and the map recomputed."""
    item.status = Statement.Status.PUBLISHED
    item.rejection_reason = ""
    item.moderated_at = timezone.now()
    item.moderated_by = _decided_by(item)
    item.save(update_fields=["status", "rejection_reason", "moderated_at", "moderated_by"])
    _author_agrees(item)
    _bump(item.map)


def statement_moderate(
    *, actor: User, statement: Statement, publish: bool, rule: str = "", reason: str = ""
) -> Statement:
    """Publish a statement, or reject it under one of the conversation rules with a reason
    shown to its author (a decision of the moderation service, which tells the author and
    where they may ask for a review). Publishing a statement that a decision withholds (held
    by screening, rejected) releases it through the service; a new statement in a
    pre-moderated map is simply published."""
    opinion_map = statement.map
    require_perm(actor, "opinionmaps.moderate_statement", opinion_map.module.process)
    if not publish:
        moderation.decision_withhold(
            actor=actor, kind=STATEMENT, item=statement, action="rejected", rule=rule, reason=reason
        )
        return Statement.objects.get(pk=statement.pk)
    latest = moderation.latest_decision(kind=STATEMENT, object_id=statement.pk)
    if latest is not None and latest.withholds:
        moderation.decision_release(actor=actor, kind=STATEMENT, item=statement, reason=reason)
        return Statement.objects.get(pk=statement.pk)
    with transaction.atomic():
        locked = _statement_locked(statement)
        locked.status = Statement.Status.PUBLISHED
        locked.rejection_reason = ""
        locked.moderated_at = timezone.now()
        locked.moderated_by = actor
        locked.save(update_fields=["status", "rejection_reason", "moderated_at", "moderated_by"])
        _author_agrees(locked)
        audit_log(
            actor=actor,
            action="opinionmap.publish",
            target=locked,
            organisation=opinion_map.module.process.organisation,
        )
        _bump(opinion_map)
    return locked


# --- Recompute --------------------------------------------------------------------------


def recompute_request(*, opinion_map: OpinionMap) -> bool:
    """Queue one recompute after the transaction commits, unless one is already queued.

    Returns whether a task was queued. The flag is cleared by the task when it starts, so
    votes that arrive while it computes queue the next run and nothing is left out.
    """
    from .tasks import recompute_map

    claimed = OpinionMap.objects.filter(pk=opinion_map.pk, recompute_pending=False).update(
        recompute_pending=True, recompute_requested_at=timezone.now()
    )
    if not claimed:
        return False
    task = recompute_map
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=RECOMPUTE_DELAY))
    transaction.on_commit(partial(task.enqueue, opinion_map.pk))
    return True


# A recompute asked for this long ago and still pending, or a result older than the votes with
# none pending, means a task was lost (its worker killed after it cleared the flag, or the
# enqueue never happened). Far longer than a recompute takes.
RECOMPUTE_LOST_AFTER = timedelta(minutes=30)


def lost_recompute_requeue(*, now: datetime) -> int:
    """Ask again for every recompute that was lost. Returns how many maps were queued."""
    cutoff = now - RECOMPUTE_LOST_AFTER
    OpinionMap.objects.filter(recompute_pending=True, recompute_requested_at__lt=cutoff).update(
        recompute_pending=False
    )
    behind = (
        OpinionMap.objects.filter(recompute_pending=False, version__gt=0)
        .filter(
            Q(result__isnull=True, statements__votes__isnull=False)
            | Q(result__version__lt=F("version"))
        )
        .filter(Q(recompute_requested_at__isnull=True) | Q(recompute_requested_at__lt=cutoff))
        .distinct()
    )
    return sum(recompute_request(opinion_map=opinion_map) for opinion_map in behind)


def map_recompute(*, opinion_map_id: int) -> MapResult:
    """Compute the map from its current votes and store the result (never in a request)."""
    OpinionMap.objects.filter(pk=opinion_map_id).update(recompute_pending=False)
    opinion_map = OpinionMap.objects.get(pk=opinion_map_id)
    with transaction.atomic():
        # Read the version and the votes in one transaction, so the stored version is never
        # newer than the votes behind it.
        version = OpinionMap.objects.filter(pk=opinion_map_id).values_list("version", flat=True)[0]
        votes = selectors.vote_matrix(opinion_map=opinion_map)
        history = selectors.vote_history(opinion_map=opinion_map)
    stored = MapResult.objects.filter(map=opinion_map).first()
    previous = serial.from_data(stored.data) if stored is not None else None
    result = maths.analyze(votes, seed=opinion_map.seed, previous=previous, history=history)
    data = serial.to_data(result, votes)
    fields = {
        "computed_at": timezone.now(),
        "version": version,
        "n_participants": len(result.participant_ids),
        "n_grouped": int((result.labels >= 0).sum()),
        "n_statements": len(result.statement_ids),
        "n_votes": int(votes.seen.nnz),
        "k": result.k,
        "seconds": result.seconds,
        "data": data,
    }
    with transaction.atomic():
        _locked_map(opinion_map)
        current = MapResult.objects.filter(map=opinion_map).first()
        if current is not None and current.version > version:
            return current  # a run that read newer votes finished first
        saved, _created = MapResult.objects.update_or_create(map=opinion_map, defaults=fields)
    return saved


# --- Polis open data --------------------------------------------------------------------

POLIS_FILES = polisdata.FILES


# What a ZIP of Polis files may declare before anything in it is unpacked. Other files in
# it (summary.csv, comment-groups.csv) are never read, so they only count here.
POLIS_ZIP_LIMITS = uploads.ZipLimits(
    max_total_size=4 * MAX_IMPORT_BYTES, max_member_size=4 * MAX_IMPORT_BYTES
)


def _unpack(files: dict[str, bytes], folder: Path) -> None:
    """Write the uploaded files (or the files inside one uploaded ZIP) into ``folder``.

    A ZIP file that is not safe to unpack (a bomb, encrypted, packed with an unknown method,
    a wrong CRC, a corrupt stream) is refused with a message saying which."""
    name, content = next(iter(files.items()), ("", b""))
    if len(files) == 1 and (
        name.lower().endswith(".zip") or content.startswith(uploads.ZIP_SIGNATURE)
    ):
        try:
            with uploads.open_zip(content, limits=POLIS_ZIP_LIMITS) as archive:
                members = {Path(i.filename).name: i for i in archive.infolist() if not i.is_dir()}
                wanted = [members[n] for n in POLIS_FILES if n in members]
                if sum(info.file_size for info in wanted) > MAX_IMPORT_BYTES:
                    raise ValidationFailed("opinionmaps.upload_too_large", field="polis_files")
                files = {Path(i.filename).name: uploads.read_member(archive, i) for i in wanted}
        except uploads.ArchiveRefused as exc:
            if exc.reason == "not_a_zip":
                raise ValidationFailed(
                    "opinionmaps.not_a_polis_export", field="polis_files"
                ) from exc
            raise ValidationFailed(exc.code, field="polis_files", **exc.params) from exc
    for name, content in files.items():
        base = Path(name).name
        if base in POLIS_FILES:
            (folder / base).write_bytes(content)


def polis_upload_read(*, files: dict[str, bytes]) -> polisdata.Conversation:
    """Parse uploaded Polis files (three CSVs, or one ZIP holding them)."""
    if sum(len(content) for content in files.values()) > MAX_IMPORT_BYTES:
        raise ValidationFailed("opinionmaps.upload_too_large", field="polis_files")
    with tempfile.TemporaryDirectory() as tmp:
        _unpack(files, Path(tmp))
        try:
            return polisdata.read_export(tmp)
        # read_export says so itself for missing files, columns and unreadable rows;
        # ValueError covers UnicodeDecodeError and bad values in the files (a vote of 2, a
        # non-numeric "moderated" or timestamp).
        except (ValidationFailed, ValueError, KeyError) as exc:
            raise ValidationFailed("opinionmaps.not_a_polis_export", field="polis_files") from exc


def _numbers(ids: list[maths.Id]) -> list[int]:
    """Keep Polis' own ids as the map's numbers where they are all whole numbers."""
    if all(isinstance(i, int) and i >= 0 for i in ids):
        return [int(i) for i in ids]
    return list(range(1, len(ids) + 1))


def polis_import(
    *,
    actor: User,
    opinion_map: OpinionMap,
    conversation: polisdata.Conversation,
    source: str,
    attribution: str,
) -> dict[str, int]:
    """Bring a Polis conversation into an empty map: statements, participants and votes."""
    require_perm(actor, "opinionmaps.manage_map", opinion_map.module.process)
    with transaction.atomic():
        locked = _locked_map(opinion_map)
        if locked.statements.exists() or locked.participants.exists():
            raise Conflict("opinionmaps.map_not_empty")
        participants = _import_participants(locked, conversation)
        statements, states = _import_statements(locked, conversation, participants)
        _import_votes(conversation, participants, statements)
        locked.source = source[:200]
        locked.source_attribution = attribution
        locked.save(update_fields=["source", "source_attribution"])
        counts = {
            "participants": len(conversation.participant_ids),
            "statements": len(conversation.statement_ids),
            "votes": len(conversation.vote_cells),
            "pending": states.count(Statement.Status.PENDING),
            "without_text": states.count(REJECTED_WITHOUT_TEXT),
        }
        audit_log(
            actor=actor,
            action="opinionmap.import",
            target=locked,
            organisation=opinion_map.module.process.organisation,
            data={"source": source, **counts},
        )
        _bump(locked)
    return counts


def _import_participants(
    locked: OpinionMap, conversation: polisdata.Conversation
) -> dict[str, Participant]:
    """The conversation's participants, without accounts; by their Polis id as text."""
    pids = conversation.participant_ids
    participants = Participant.objects.bulk_create(
        [
            Participant(map=locked, number=number, external_id=str(pid))
            for number, pid in zip(_numbers(pids), pids, strict=True)
        ],
        batch_size=IMPORT_BATCH,
    )
    if any(p.pk is None for p in participants):  # backends without RETURNING
        participants = list(
            Participant.objects.filter(map=locked).only("pk", "external_id").iterator()
        )
    return {str(p.external_id): p for p in participants}


def _import_state(locked: OpinionMap, comment: polisdata.Comment | None) -> tuple[str, str]:
    """(status, reason for a rejection) of an imported comment: moderated out in the source,
    rejected; without text (an export leaves out what was not published), rejected; not yet
    moderated in the source, as the map treats a new statement (waiting for review when
    statements are reviewed before they are shown); otherwise published."""
    if comment is not None and comment.moderated == polisdata.MODERATED_OUT:
        return Statement.Status.REJECTED, REJECTED_IN_POLIS
    if comment is None or not comment.text.strip():
        return Statement.Status.REJECTED, REJECTED_WITHOUT_TEXT
    if comment.moderated == polisdata.NOT_MODERATED and (
        locked.moderation == OpinionMap.Moderation.BEFORE
    ):
        return Statement.Status.PENDING, ""
    return Statement.Status.PUBLISHED, ""


def _import_statements(
    locked: OpinionMap,
    conversation: polisdata.Conversation,
    participants: dict[str, Participant],
) -> tuple[dict[str, int], list[str]]:
    """The conversation's comments as statements (``_import_state``); returns the primary keys
    by Polis id as text, and each statement's status, or the reason it was rejected."""
    now = timezone.now()
    sids = conversation.statement_ids
    statements = []
    states: list[str] = []
    for number, sid in zip(_numbers(sids), sids, strict=True):
        comment = conversation.comments.get(sid)
        author = participants.get(str(comment.author_id)) if comment else None
        status, reason = _import_state(locked, comment)
        states.append(reason or status)
        statements.append(
            Statement(
                map=locked,
                number=number,
                text=(comment.text if comment else "")[:STATEMENT_MAX_LENGTH] or "–",
                author=author,
                status=status,
                rejection_reason=reason,
                moderated_at=None if status == Statement.Status.PENDING else now,
                external_id=str(sid),
            )
        )
    Statement.objects.bulk_create(statements, batch_size=IMPORT_BATCH)
    pks = dict(Statement.objects.filter(map=locked).values_list("external_id", "pk").iterator())
    return pks, states


def _import_votes(
    conversation: polisdata.Conversation,
    participants: dict[str, Participant],
    statements: dict[str, int],
) -> None:
    """Each participant's latest vote on each statement, with Polis' timestamps: when it was
    first cast (who was in the conversation as it grew, ``maths.ever_in_conv``) and last."""
    pids, sids = conversation.participant_ids, conversation.statement_ids
    p_pk = {ext: p.pk for ext, p in participants.items()}
    cells, stamps = conversation.vote_cells, conversation.vote_timestamps
    firsts = conversation.first_timestamps
    if firsts is None:
        firsts = stamps
    batch: list[Vote] = []
    for (p, s, v), ms, first_ms in zip(
        cells.tolist(), stamps.tolist(), firsts.tolist(), strict=True
    ):
        batch.append(
            Vote(
                participant_id=p_pk[str(pids[p])],
                statement_id=statements[str(sids[s])],
                value=v,
                created=datetime.fromtimestamp(first_ms / 1000, tz=UTC),
                updated=datetime.fromtimestamp(ms / 1000, tz=UTC),
            )
        )
        if len(batch) >= IMPORT_BATCH:
            Vote.objects.bulk_create(batch)
            batch = []
    Vote.objects.bulk_create(batch)
