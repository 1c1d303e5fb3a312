"""Publish course content to a deployed stack: ``bin/content add|list|remove`` (see README).

Every failure ends with one readable line on stderr and a non-zero exit status: 2 for a
request that is wrong (bad ID, missing file, duplicate without --force), 1 for AWS failures.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

import boto3
from botocore.exceptions import BotoCoreError, NoCredentialsError

from .publisher import ContentPublisher, InvalidRequestError, NewContent, PublishError
from .stack import StackError, default_target, resolve


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bin/content", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", help="stack name (default: samconfig.toml's)")
    parser.add_argument("--region", help="AWS Region (default: samconfig.toml's, us-east-1)")
    commands = parser.add_subparsers(dest="command", required=True)

    add = commands.add_parser("add", help="upload a file and add it to the catalog")
    add.add_argument("--course", required=True, help="course ID, e.g. aws-101")
    add.add_argument(
        "--id", required=True, dest="content_id", help="content ID, e.g. aws-101-intro"
    )
    add.add_argument("--title", required=True)
    add.add_argument("--file", required=True, type=Path)
    add.add_argument(
        "--type", choices=["video", "quiz", "assignment"], help="default: from the extension"
    )
    add.add_argument("--content-type", help="default: from the extension")
    add.add_argument("--position", type=int, default=0, help="order within the course")
    add.add_argument("--force", action="store_true", help="replace an existing item")

    listing = commands.add_parser("list", help="list catalog items")
    listing.add_argument("--course", help="only this course")

    remove = commands.add_parser("remove", help="remove an item and its object")
    remove.add_argument("--id", required=True, dest="content_id")
    return parser.parse_args(argv)


class ProgressBar:
    """A one-line progress bar on ``stream``, for uploads big enough to wait for."""

    def __init__(self, total: int, stream: TextIO, width: int = 30) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream
        self.width = width

    def __call__(self, transferred: int) -> None:
        self.done += transferred
        filled = self.width * self.done // self.total
        percent = 100 * self.done // self.total
        mb = 1024 * 1024
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] {percent:3d}% "
            f"{self.done / mb:.1f}/{self.total / mb:.1f} MB"
        )
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def run(argv: Sequence[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    args = _arguments(argv)
    try:
        target = None if args.stack and args.region else default_target()
        region = args.region or (target.region if target else "us-east-1")
        stack_name = args.stack or (target.stack_name if target else "")
        session = boto3.Session(region_name=region)
        resources = resolve(session.client("cloudformation"), stack_name)
        publisher = ContentPublisher(
            resources,
            session.client("s3"),
            session.client("dynamodb"),
            session.client("cloudfront"),
        )
        command: Callable[[], None] = {
            "add": lambda: _add(publisher, args, resources.content_base_url, out, err),
            "list": lambda: _list(publisher, args, out),
            "remove": lambda: _remove(publisher, args, out),
        }[args.command]
        command()
    except (PublishError, StackError) as exc:
        err.write(f"error: {exc}\n")
        return 2 if isinstance(exc, InvalidRequestError) else 1
    except NoCredentialsError:
        err.write("error: no AWS credentials found (configure a profile or set AWS_PROFILE)\n")
        return 1
    except BotoCoreError as exc:
        err.write(f"error: {exc}\n")
        return 1
    return 0


def _add(
    publisher: ContentPublisher, args: argparse.Namespace, base_url: str, out: TextIO, err: TextIO
) -> None:
    request = NewContent(
        course_id=args.course,
        content_id=args.content_id,
        title=args.title,
        path=args.file,
        type=args.type,
        content_type=args.content_type,
        position=args.position,
    )
    size = args.file.stat().st_size if args.file.is_file() else 0
    progress = ProgressBar(size, err) if size > 8 * 1024 * 1024 else None
    item = publisher.add(request, force=args.force, progress=progress)
    url = item.key.url(base_url)
    out.write(f"published {item.content_id} ({item.type}, {item.size} bytes): {url}\n")


def _list(publisher: ContentPublisher, args: argparse.Namespace, out: TextIO) -> None:
    items = publisher.list(args.course)
    width = shutil.get_terminal_size((120, 20)).columns
    for item in items:
        line = (
            f"{item.course_id:<16} {item.position:>3} {item.content_id:<28} {item.type:<10} "
            f"{item.title}"
        )
        out.write(line[:width] + "\n")
    out.write(f"{len(items)} item(s)\n")


def _remove(publisher: ContentPublisher, args: argparse.Namespace, out: TextIO) -> None:
    item = publisher.remove(args.content_id)
    out.write(f"removed {item.content_id} and s3 object {item.key.value}\n")


def main() -> None:
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
