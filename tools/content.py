"""Publish course content and enrol learners: ``bin/content [--local] course put|add|list|remove|
courses`` (docs/publishing.md), ``enroll|unenroll|enrolments|import|revoke|migrate-groups``
(``enrolment_commands``, docs/enrolments.md) and ``grant-key rotate|retire``
(``grant_key_commands``, docs/grants.md).

Every failure ends with one readable line on stderr and a non-zero exit status: 2 for a
request that is wrong (bad ID, title or file, a duplicate without --force), checked before any
AWS call where it can be, 1 for AWS failures and interrupted publishes, 130 for a Ctrl-C that
lands outside a publish's own recovery (either way: re-run the same command).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from shared.aws_errors import describe as describe_error
from shared.catalog.errors import CatalogError, InvalidValueError
from shared.catalog.model import CONTENT_TYPES, Course, validate_id
from shared.enrolments.errors import EnrolmentError
from shared.enrolments.store import EnrolmentStore
from shared.grant_keys import KEY_PROPAGATION_SECONDS, GrantKeyError, secret_writer
from shared.grant_store_writes import GrantKeyConflictError
from shared.key_value_store import KeyValueStore, KeyValueStoreError
from tools.publishing.bucket import PART_SIZE, ContentBucket
from tools.publishing.draft import Draft
from tools.publishing.errors import NothingToDoError
from tools.publishing.invalidation import CloudFrontInvalidation, Invalidator, NoCache
from tools.publishing.publisher import Publisher, PublishOutcome
from tools.publishing.writes import CatalogWriter

from . import enrolment_commands, grant_key_commands
from .enrolment import Enrolling, LearnerDirectory, aws_time, caller_identity
from .grant_key_commands import LOCAL_PROPAGATION_SECONDS, GrantKeyStores
from .migration import DEFAULT_PREFIX
from .progress import ProgressBar
from .stack import (
    LOCAL_CREDENTIALS,
    LOCAL_STATE,
    StackError,
    StackResources,
    default_target,
    keyvaluestore_client,
    local_stack,
    resolve,
)

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


class _Parser(argparse.ArgumentParser):
    """argparse, with its complaints as one line and exit status 2 like every refused input."""

    def error(self, message: str) -> NoReturn:
        raise InvalidValueError(message)


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = _Parser(prog="bin/content", description="Publish course content and enrol learners.")
    parser.add_argument("--stack", help="stack name (default: samconfig.toml's)")
    parser.add_argument("--region", help="AWS Region (default: samconfig.toml's, us-east-1)")
    parser.add_argument("--local", action="store_true", help="the running `make local` stack")
    parser.add_argument(
        "--local-state",
        type=Path,
        default=LOCAL_STATE,
        help=f"with --local (default {LOCAL_STATE})",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    add = commands.add_parser(
        "add", help="upload a file, or an HLS rendition set (--dir), and add it to the catalog"
    )
    add.add_argument("--course", required=True, help="course ID, e.g. aws-101")
    add.add_argument(
        "--id", required=True, dest="content_id", help="content ID, e.g. aws-101-intro"
    )
    add.add_argument("--title", required=True, help="one line")
    source = add.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", type=Path)
    source.add_argument(
        "--dir",
        type=Path,
        help="an HLS rendition set: playlists and segments, published with their layout",
    )
    add.add_argument("--type", choices=CONTENT_TYPES, help="checked against the file")
    add.add_argument("--content-type", help="media type (default: from the extension)")
    add.add_argument(
        "--position", type=int, help="order within the course, 1 or more (default: last)"
    )
    add.add_argument(
        "--force", action="store_true", help="replace the course's existing item of this ID"
    )
    add.add_argument(
        "--move-from-course",
        metavar="COURSE",
        help="move the item of this ID from COURSE to --course (replacing it with the file)",
    )
    add.add_argument(
        "--skip-os-junk",
        action="store_true",
        help="with --dir: leave out .DS_Store, ._*, Thumbs.db and desktop.ini files",
    )

    course = commands.add_parser("course", help="create or change a course")
    course_commands = course.add_subparsers(dest="course_command", required=True)
    put = course_commands.add_parser(
        "put", help="create a course, or set its title and description (content goes into it)"
    )
    put.add_argument("--course", required=True, help="course ID, e.g. aws-101")
    put.add_argument("--title", required=True, help="one line")
    put.add_argument("--description", help="up to 1000 characters")

    listing = commands.add_parser("list", help="list catalog items")
    listing.add_argument("--course", help="only this course")

    remove = commands.add_parser("remove", help="remove an item and its object")
    remove.add_argument("--id", required=True, dest="content_id")

    commands.add_parser("courses", help="the courses, how many items each has, and their titles")

    enrolment_commands.add_parsers(commands)
    grant_key_commands.add_parsers(commands)
    return parser.parse_args(argv)


@dataclass(frozen=True)
class ConnectedStack:
    publisher: Publisher
    resources: StackResources
    #: None for a stack deployed before the enrolment table (no EnrolmentTableName output).
    enrolling: Enrolling | None
    cognito: CognitoIdentityProviderClient | None
    #: None for a stack deployed before the grant store (no GrantStoreArn output), or a local
    #: stack that runs no store stand-in.
    grant_keys: GrantKeyStores | None = None

    def require_enrolling(self) -> Enrolling:
        if self.enrolling is None:
            raise StackError("the stack has no EnrolmentTableName output; deploy this version")
        return self.enrolling

    def require_grant_keys(self) -> GrantKeyStores:
        if self.grant_keys is None:
            raise StackError(
                "the stack has no grant store (outputs GrantStoreArn and GrantSecretArn); "
                "deploy this version, or restart `make local`"
            )
        return self.grant_keys

    def course_groups(self) -> tuple[CognitoIdentityProviderClient, str, str] | None:
        """What ``migrate-groups`` reads: the pool and the course groups' prefix."""
        pool, prefix = self.resources.user_pool_id, self.resources.course_group_prefix
        if self.cognito is None or pool is None:
            return None
        return self.cognito, pool, prefix or DEFAULT_PREFIX


def _connect(args: argparse.Namespace) -> ConnectedStack:
    """The publisher for the stack the arguments name (the only step that reaches AWS)."""
    store_url: str | None = None
    propagation: float = KEY_PROPAGATION_SECONDS
    if args.local:
        local = local_stack(args.local_state)
        session = boto3.Session(region_name=local.region, **LOCAL_CREDENTIALS)
        endpoint: str | None = local.endpoint_url
        resources = local.resources
        store_url, propagation = local.keyvaluestore_url, LOCAL_PROPAGATION_SECONDS
    else:
        target = None if args.stack and args.region else default_target()
        session = boto3.Session(region_name=args.region or (target.region if target else None))
        endpoint = None
        resources = resolve(
            session.client("cloudformation"), args.stack or (target.stack_name if target else "")
        )
    invalidator: Invalidator = (
        NoCache()
        if resources.distribution_id is None
        else CloudFrontInvalidation(
            session.client("cloudfront", endpoint_url=endpoint), resources.distribution_id
        )
    )
    publisher = Publisher(
        CatalogWriter(session.client("dynamodb", endpoint_url=endpoint), resources.table),
        ContentBucket(session.client("s3", endpoint_url=endpoint), resources.bucket),
        invalidator,
    )
    cognito = None
    if resources.user_pool_id:
        cognito = session.client("cognito-idp", endpoint_url=endpoint)
    enrolling = None
    if resources.enrolment_table:
        grants = None
        if resources.grant_store_arn and (store_url or not args.local):
            client = keyvaluestore_client(session, store_url)
            grants = KeyValueStore(client, resources.grant_store_arn)
        sts = session.client("sts", endpoint_url=endpoint)
        enrolling = Enrolling(
            EnrolmentStore(
                session.client("dynamodb", endpoint_url=endpoint), resources.enrolment_table
            ),
            publisher.catalog,
            None if cognito is None else LearnerDirectory(cognito, str(resources.user_pool_id)),
            caller_identity(sts),
            grants=grants,
            aws_clock=None if grants is None else aws_time(sts),
        )
    grant_keys = None
    store_arn, secret_id = resources.grant_store_arn, resources.grant_secret_id
    if store_arn and secret_id and (store_url or not args.local):
        grant_keys = GrantKeyStores(
            KeyValueStore(keyvaluestore_client(session, store_url), store_arn),
            secret_writer(session.client("secretsmanager", endpoint_url=endpoint), secret_id),
            propagation,
        )
    return ConnectedStack(publisher, resources, enrolling, cognito, grant_keys)


def run(argv: Sequence[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    try:
        args = _arguments(argv)
        draft = _check_locally(args)
        course = _checked_course(args)
        found = enrolment_commands.check(args)
        target = _connect(args)
        if args.command in enrolment_commands.COMMANDS:
            return enrolment_commands.run_command(
                target.require_enrolling(), args, found, out, err, target.course_groups()
            )
        if args.command == grant_key_commands.COMMAND:
            grant_keys = target.require_grant_keys()
            grant_key_commands.run_command(grant_keys, args.grant_key_command, out, err)
        elif draft is not None:
            _add(target, draft, args, out, err)
        elif course is not None:
            _put_course(target, course, out)
        elif args.command == "remove":
            _remove(target, args.content_id, out, err)
        elif args.command == "list":
            _list(target, args.course, out, err)
        else:
            _courses(target, out)
    except (InvalidValueError, NothingToDoError) as exc:
        err.write(f"error: {exc}\n")
        return 2
    except (CatalogError, StackError, EnrolmentError) as exc:
        err.write(f"error: {exc}\n")
        return 1
    except (KeyValueStoreError, GrantKeyError, GrantKeyConflictError) as exc:
        err.write(f"error: {exc}; run the same command again to finish\n")
        return 1
    except KeyboardInterrupt:
        err.write("error: interrupted; run the same command again to finish\n")
        return 130
    except NoCredentialsError:
        err.write("error: no AWS credentials found (configure a profile or set AWS_PROFILE)\n")
        return 1
    except (ClientError, BotoCoreError) as exc:
        err.write(f"error: {describe_error(exc)}\n")
        return 1
    return 0


def _check_locally(args: argparse.Namespace) -> Draft | None:
    """Every rule that needs no AWS call, before any is made."""
    if args.command == "add" and args.move_from_course is not None:
        validate_id(args.move_from_course, "--move-from-course")
        if args.move_from_course == args.course:
            raise InvalidValueError("--move-from-course names the course the item goes to")
    if args.command == "add" and args.dir is not None:
        if args.content_type is not None:
            raise InvalidValueError("--content-type is for --file; a set's types come from names")
        return Draft.check_dir(
            args.course,
            args.content_id,
            args.title,
            args.dir,
            args.type,
            args.position,
            skip_os_junk=args.skip_os_junk,
        )
    if args.command == "add":
        if args.skip_os_junk:
            raise InvalidValueError("--skip-os-junk is for --dir")
        return Draft.check(
            args.course,
            args.content_id,
            args.title,
            args.file,
            args.type,
            args.content_type,
            args.position,
        )
    if args.command == "remove":
        validate_id(args.content_id, "content ID")
    if args.command == "list" and args.course is not None:
        validate_id(args.course, "course ID")
    return None


def _checked_course(args: argparse.Namespace) -> Course | None:
    """``course put``'s course, checked before any AWS call."""
    if args.command != "course":
        return None
    return Course.check(args.course, args.title, args.description)


def _notes(outcome: PublishOutcome, err: TextIO) -> None:
    for note in outcome.notes:
        err.write(f"note: {note}\n")


def _add(
    target: ConnectedStack, draft: Draft, args: argparse.Namespace, out: TextIO, err: TextIO
) -> None:
    if draft.rendition is not None and draft.rendition.skipped:
        skipped = draft.rendition.skipped
        err.write(f"note: left out {len(skipped)} OS file(s): {', '.join(skipped)}\n")
    progress = ProgressBar(draft.size, err) if draft.size > PART_SIZE else None
    outcome = target.publisher.add(
        draft, force=args.force, move_from=args.move_from_course, progress=progress
    )
    _notes(outcome, err)
    item = outcome.item
    url = item.key.url(target.resources.content_base_url)
    done = "already published" if outcome.already_done else "published"
    files = "" if item.files is None else f"{item.files} files, "
    out.write(
        f"{done} {item.content_id} ({item.type}, {files}{item.size} bytes, "
        f"position {item.position}): {url}\n"
    )


def _remove(target: ConnectedStack, content_id: str, out: TextIO, err: TextIO) -> None:
    outcome = target.publisher.remove(content_id)
    _notes(outcome, err)
    done = "already removed" if outcome.already_done else "removed"
    item = outcome.item
    objects = (
        f"object {item.key.value}" if item.root is None else f"{item.files} objects {item.root}"
    )
    out.write(f"{done} {content_id} and its {objects}\n")


def _list(target: ConnectedStack, course_id: str | None, out: TextIO, err: TextIO) -> None:
    catalog = target.publisher.catalog
    courses = [course_id] if course_id else [c.course_id for c in catalog.list_courses()]
    width = shutil.get_terminal_size((120, 20)).columns
    count = 0
    for course in courses:
        listing = catalog.list_course(course)
        for broken in listing.broken:
            err.write(f"broken: {broken}\n")
        for item in listing.items:
            line = (
                f"{item.course_id:<16} {item.position:>3} {item.content_id:<28} "
                f"{item.type:<10} {item.title}"
            )
            out.write(line[:width] + "\n")
        count += len(listing.items)
    out.write(f"{count} item(s)\n")


def _put_course(target: ConnectedStack, course: Course, out: TextIO) -> None:
    catalog = target.publisher.catalog
    existed = course.course_id in catalog.course_ids()
    catalog.put_course(course)
    out.write(f"{'updated' if existed else 'created'} course {course.course_id}: {course.title}\n")


def _courses(target: ConnectedStack, out: TextIO) -> None:
    """Every course, empty ones too, with its item count and title."""
    catalog = target.publisher.catalog
    course_ids = catalog.course_ids()
    for course_id in course_ids:
        course = catalog.course(course_id)
        title = "(no title: set one with course put)" if course is None else course.title
        out.write(f"{course_id:<16} {catalog.count_course(course_id):>4} item(s)  {title}\n")
    out.write(f"{len(course_ids)} course(s)\n")


def main() -> None:
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
