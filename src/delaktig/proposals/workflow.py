"""The life of a medborgarförslag (citizen proposal) as one table of transitions.

Plain Python. Kommunallagen 8 kap. 1 §: a proposal is lodged, registered, prepared
(referred to a committee, a decision proposal), and decided; if it is not decided within a
year it must be reported to fullmäktige as unfinished, and only then may it be written off.
"""

from enum import StrEnum

from delaktig.core.workflow import StateMachine


class Status(StrEnum):
    DRAFT = "draft"  # being written; only the author sees it
    SUBMITTED = "submitted"  # waiting for intake, not public
    REJECTED = "rejected"  # avvisat at intake
    WITHDRAWN = "withdrawn"
    COLLECTING = "collecting"  # e-förslag: public, collecting supports
    EXPIRED = "expired"  # support period ended below the threshold
    LODGED = "lodged"  # ready to be registered as a matter for fullmäktige
    REGISTERED = "registered"  # diariefört, case number given; the statutory year runs
    REFERRED = "referred"  # sent to a committee for preparation
    DECISION_PROPOSED = "decision_proposed"
    DECIDED = "decided"  # bifall, avslag or besvarad
    WRITTEN_OFF = "written_off"  # avskrivet, only after being reported as unfinished


class Action(StrEnum):
    SUBMIT = "submit"
    PUBLISH = "publish"  # intake: open for supports
    LODGE = "lodge"  # intake, or threshold reached: goes on without (more) supports
    REJECT = "reject"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"
    REGISTER = "register"
    REFER = "refer"
    PROPOSE_DECISION = "propose_decision"
    DECIDE = "decide"
    WRITE_OFF = "write_off"
    # A rejection reversed on review by another moderator (the moderation service's release).
    REOPEN = "reopen"


class Outcome(StrEnum):
    APPROVED = "bifall"
    REJECTED = "avslag"
    ANSWERED = "besvarad"


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.DRAFT, Action.SUBMIT): Status.SUBMITTED,
    (Status.DRAFT, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.SUBMITTED, Action.PUBLISH): Status.COLLECTING,
    (Status.SUBMITTED, Action.LODGE): Status.LODGED,
    (Status.SUBMITTED, Action.REJECT): Status.REJECTED,
    (Status.SUBMITTED, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.REJECTED, Action.REOPEN): Status.SUBMITTED,
    (Status.COLLECTING, Action.LODGE): Status.LODGED,
    (Status.COLLECTING, Action.EXPIRE): Status.EXPIRED,
    (Status.COLLECTING, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.LODGED, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.LODGED, Action.REGISTER): Status.REGISTERED,
    (Status.REGISTERED, Action.REFER): Status.REFERRED,
    (Status.REFERRED, Action.PROPOSE_DECISION): Status.DECISION_PROPOSED,
    (Status.REGISTERED, Action.DECIDE): Status.DECIDED,
    (Status.REFERRED, Action.DECIDE): Status.DECIDED,
    (Status.DECISION_PROPOSED, Action.DECIDE): Status.DECIDED,
    (Status.REGISTERED, Action.WRITE_OFF): Status.WRITTEN_OFF,
    (Status.REFERRED, Action.WRITE_OFF): Status.WRITTEN_OFF,
    (Status.DECISION_PROPOSED, Action.WRITE_OFF): Status.WRITTEN_OFF,
}

MACHINE: StateMachine[Status, Action] = StateMachine(TRANSITIONS)

PUBLIC_STATUSES = frozenset(
    {
        Status.COLLECTING,
        Status.EXPIRED,
        Status.LODGED,
        Status.REGISTERED,
        Status.REFERRED,
        Status.DECISION_PROPOSED,
        Status.DECIDED,
        Status.WRITTEN_OFF,
    }
)
# The statutory year runs for these: registered and not yet decided or written off.
OPEN_CASE_STATUSES = frozenset({Status.REGISTERED, Status.REFERRED, Status.DECISION_PROPOSED})
