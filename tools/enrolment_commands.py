"""The enrolment commands of ``bin/content``: ``enroll``, ``unenroll``, ``enrolments``,
``import``, ``revoke`` and ``migrate-groups`` (their arguments, their checks before any AWS
call, and what each prints). Courses are the catalog's (``course put``, in ``tools.content``).
An unenrolment, and an enrolment that narrows one, revoke the learner's grants for the course
first (``shared.enrolments.revoking``); ``revoke`` revokes them without unenrolling."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from shared.catalog.errors import InvalidValueError
from shared.catalog.model import validate_id
from shared.enrolments.errors import UnknownCourseError
from shared.enrolments.model import Enrolment, format_time
from shared.enrolments.store import MAX_PAGE
from shared.grant_store_writes import revoke

from .enrolment import Enrolling, validate_learner_name
from .importing import Plan, plan, run_import
from .migration import migrate_groups, validate_prefix
from .progress import ProgressBar

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

COMMANDS = frozenset({"enroll", "unenroll", "enrolments", "import", "revoke", "migrate-groups"})
#: The commands that may write a revocation (whose time is this machine's clock).
REVOKING = frozenset({"enroll", "unenroll", "import", "revoke"})


class NotEnrolledError(InvalidValueError):
    """``unenroll`` of a learner who was not enrolled: nothing to do (exit 2)."""


def add_parsers(commands: Any) -> None:
    """The enrolment commands, on ``bin/content``'s subcommand parsers."""
    for name, text in (
        ("enroll", "let a learner read a course (creates or replaces the enrolment)"),
        ("unenroll", "take a course away from a learner, their grants for it included"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--user", required=True, help="the learner's sub or sign-in email")
        command.add_argument("--course", required=True, help="course ID, e.g. aws-101")
    enroll = commands.choices["enroll"]
    enroll.add_argument("--not-before", help="ISO 8601 in UTC: not valid before this time")
    enroll.add_argument("--not-after", help="ISO 8601 in UTC: not valid from this time on")
    enroll.add_argument("--reference", help="an order or contract ID, up to 200 characters")

    listing = commands.add_parser("enrolments", help="a course's learners or a learner's courses")
    which = listing.add_mutually_exclusive_group(required=True)
    which.add_argument("--course", help="course ID")
    which.add_argument("--learner", help="the learner's sub or sign-in email")

    refuse = commands.add_parser(
        "revoke", help="refuse a learner's grants issued up to now (they stay enrolled)"
    )
    refuse.add_argument("--user", required=True, help="the learner's sub or sign-in email")
    refuse.add_argument("--course", help="only this course's grants (default: every course)")

    bulk = commands.add_parser(
        "import", help="course records, enrolments and unenrolments from JSON Lines"
    )
    bulk.add_argument("file", type=Path, help="one JSON object a line (see docs/enrolments.md)")

    migrate = commands.add_parser(
        "migrate-groups", help="copy the members of per-course Cognito groups into enrolments"
    )
    migrate.add_argument("--prefix", help="the course groups' prefix (default: the stack's)")


def check(args: argparse.Namespace) -> Plan | None:
    """Every rule that needs no AWS call; an import's whole file is read and checked here."""
    if args.command in ("enroll", "unenroll", "revoke"):
        if args.course is not None:
            validate_id(args.course, "course ID")
        validate_learner_name(args.user)
    if args.command == "enroll":
        Enrolment.parse("00000000-0000-4000-8000-000000000000", args.course, _window(args))
    if args.command == "enrolments":
        if args.course is not None:
            validate_id(args.course, "course ID")
        else:
            validate_learner_name(args.learner)
    if args.command == "migrate-groups" and args.prefix is not None:
        validate_prefix(args.prefix)
    if args.command == "import":
        try:
            with args.file.open(encoding="utf-8") as lines:
                return plan(lines)
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidValueError(f"cannot read {args.file}: {exc}") from exc
    return None


def _window(args: argparse.Namespace) -> dict[str, str]:
    given = {"notBefore": args.not_before, "notAfter": args.not_after, "reference": args.reference}
    return {name: value for name, value in given.items() if value is not None}


def run_command(
    enrolling: Enrolling,
    args: argparse.Namespace,
    found: Plan | None,
    out: TextIO,
    err: TextIO,
    cognito: tuple[CognitoIdentityProviderClient, str, str] | None = None,
) -> int:
    """Run one enrolment command; the exit status (2 when an import had bad lines).

    ``cognito`` (client, pool ID, course-group prefix) is what ``migrate-groups`` reads."""
    if args.command in REVOKING:
        enrolling.check_clock()
    if args.command == "enroll":
        sub = enrolling.learner(args.user)
        try:
            enrolment = Enrolment.parse(sub, args.course, _window(args), enrolling.change())
            enrolling.changes.put(enrolment, enrolling.catalog.course_ids())
        except UnknownCourseError as exc:
            raise InvalidValueError(f"{exc}; create it with `bin/content course put`") from exc
        out.write(f"enrolled {args.user} in {args.course} (from their next API call)\n")
    elif args.command == "unenroll":
        if not enrolling.changes.delete(enrolling.learner(args.user), args.course):
            raise NotEnrolledError(
                f"{args.user} is not enrolled in {args.course} (their grants for it are revoked"
                " all the same)"
            )
        out.write(
            f"unenrolled {args.user} from {args.course} (from their next API call; their grants"
            " for it are revoked)\n"
        )
    elif args.command == "revoke":
        _revoke(enrolling, args, out)
    elif args.command == "enrolments":
        _list(enrolling, args, out)
    elif args.command == "import":
        assert found is not None  # noqa: S101 - check() read the file
        return _import(enrolling, found, out, err)
    else:
        if cognito is None:
            raise InvalidValueError("this stack names no user pool and no course-group prefix")
        client, pool_id, prefix = cognito
        out.write(migrate_groups(client, pool_id, args.prefix or prefix, enrolling).summary())
        out.write("\n")
    return 0


def _revoke(enrolling: Enrolling, args: argparse.Namespace, out: TextIO) -> None:
    grants = enrolling.require_grants()
    sub, now = enrolling.learner(args.user), enrolling.clock()
    revoke(grants, sub, now, args.course)
    which = "every course" if args.course is None else args.course
    out.write(
        f"revoked the grants of {args.user} for {which} issued up to {format_time(int(now))}\n"
    )


def _list(enrolling: Enrolling, args: argparse.Namespace, out: TextIO) -> None:
    store, cursor, count = enrolling.store, None, 0
    learner = None if args.learner is None else enrolling.learner(args.learner)
    while True:
        if learner is None:
            page = store.course_page(args.course, MAX_PAGE, cursor)
        else:
            page = store.learner_page(learner, MAX_PAGE, cursor)
        for enrolment in page.items:
            window = enrolment.window.to_json()
            out.write(
                f"{enrolment.course_id:<16} {enrolment.learner}  "
                f"{window.get('notBefore', '-'):<20} {window.get('notAfter', '-'):<20} "
                f"{enrolment.reference or ''}".rstrip()
                + "\n"
            )
        count += len(page.items)
        cursor = page.next
        if cursor is None:
            break
    out.write(f"{count} enrolment(s)\n")


def _import(enrolling: Enrolling, found: Plan, out: TextIO, err: TextIO) -> int:
    if found.unenrolments:
        enrolling.require_grants()  # before anything is written
    total = len(found.enrolments) + len(found.unenrolments)
    progress = ProgressBar(total, err, unit="enrolments") if err.isatty() and total else None
    done = run_import(found, enrolling, progress)
    for number, message in done.bad:
        err.write(f"line {number}: {message}\n")
    out.write(done.summary() + "\n")
    return 2 if done.bad else 0
