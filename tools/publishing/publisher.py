"""Publishing course content: the steps of ``add`` and ``remove`` and their recovery, safe to
interrupt (not in the function package).

Every object a publish uploads gets a key of its own (``ContentKey.for_publish``), recorded in
the catalog's journal before the upload starts; the catalog item switches to it in one
transaction; only then is the object it replaced deleted and invalidated, and the journal
removed (``tools.publishing.writes``). So at every moment each object under ``courses/`` is
either the one an item serves or one a journal names, and every item's object exists.

Whatever stops a publish, an AWS error, any other exception or Ctrl-C, the same recovery
runs: the journal says which side of the switch the catalog is on, and the publish is undone
(before: every version the publish uploaded is deleted by its version ID) or finished
(after). If the recovery cannot run (the process was killed, the network is gone), the
journal stays and re-running the same command runs it first, then the command, which then
finds the promised state already there or reaches it.
"""

from __future__ import annotations

import difflib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from shared.aws_errors import describe
from shared.catalog.model import ContentItem, validate_id

from .bucket import ContentBucket, Progress
from .draft import Draft
from .errors import NothingToDoError, PublishError
from .invalidation import Invalidator, cached_paths
from .writes import CatalogWriter, Journal


@dataclass(frozen=True)
class PublishOutcome:
    """What a command did: the item it published or removed, whether a run before had done
    it already, and notes for the operator."""

    item: ContentItem
    already_done: bool = False
    notes: tuple[str, ...] = ()


def _check_replacing(
    draft: Draft, live: ContentItem | None, force: bool, move_from: str | None
) -> None:
    """``NothingToDoError`` unless the request says what to do with ``live``, the item now
    served under the draft's ID: none there, a replacement in the same course (``force``),
    or a move from the course it is in (``move_from``)."""
    content_id, course_id = draft.content_id, draft.course_id
    if live is None:
        if move_from is not None:
            raise NothingToDoError(f"no content {content_id!r} to move from course {move_from!r}")
        return
    if live.course_id != course_id:
        if move_from != live.course_id:
            raise NothingToDoError(
                f"content {content_id!r} belongs to course {live.course_id!r}: choose another "
                f"--id, or pass --move-from-course {live.course_id} to move it to {course_id!r}"
            )
        return
    if move_from is not None:
        raise NothingToDoError(
            f"content {content_id!r} is in course {course_id!r} already, not {move_from!r}; "
            "pass --force to replace it"
        )
    if not force:
        raise NothingToDoError(
            f"content {content_id!r} already exists in course {course_id!r}; "
            "pass --force to replace it"
        )


class Publisher:
    def __init__(
        self, catalog: CatalogWriter, bucket: ContentBucket, invalidator: Invalidator
    ) -> None:
        self.catalog = catalog
        self.bucket = bucket
        self.invalidator = invalidator

    # --- the commands ---------------------------------------------------------------------

    def add(
        self,
        draft: Draft,
        *,
        force: bool = False,
        move_from: str | None = None,
        progress: Progress | None = None,
    ) -> PublishOutcome:
        """Publish the draft into its course, which must exist: a new item, with ``force`` a
        replacement of the course's item of that ID, with ``move_from`` the item of that ID in
        course ``move_from`` replaced by the draft in its own course."""
        self._require_course(draft.course_id)
        notes = self._recover(draft.content_id)
        live = self.catalog.get(draft.content_id, consistent=True)
        if (
            live is not None
            and live.version is not None
            and draft.published_as(live)
            and self.bucket.has(live.key, live.version)
        ):
            return PublishOutcome(live, already_done=True, notes=notes)
        _check_replacing(draft, live, force, move_from)
        if draft.position is not None:
            position = draft.position
        elif live is not None and live.course_id == draft.course_id:
            position = live.position
        else:
            position = (self.catalog.last_position(draft.course_id) or 0) + 1
        target = draft.item(uuid.uuid4().hex, position)
        if live is None:
            operation = "add"
        else:
            operation = "replace" if live.course_id == draft.course_id else "move"
        journal = Journal(draft.content_id, uuid.uuid4().hex, operation, target, live)
        with self._recovering(journal):
            self.catalog.begin(journal)
            version = self.bucket.upload(target, draft, progress)
            served = replace(target, version=version)
            if live is None:
                self.catalog.put_if_absent(served, journal)
            else:
                self.catalog.replace(served, journal)
            notes += self._finish(journal)
        return PublishOutcome(served, notes=notes)

    def _require_course(self, course_id: str) -> None:
        """Courses are created explicitly: a typo must not make a new one."""
        courses = self.catalog.course_ids()
        if course_id in courses:
            return
        close = difflib.get_close_matches(course_id, courses, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise NothingToDoError(
            f"no course {course_id!r}{hint}; create it first: "
            f"bin/content course put --course {course_id} --title TITLE"
        )

    def remove(self, content_id: str) -> PublishOutcome:
        validate_id(content_id, "content ID")
        unfinished = self.catalog.journal(content_id)
        notes = self._recover(content_id)
        live = self.catalog.get(content_id, consistent=True)
        if live is None:
            # A remove that got past its switch last time, finished just now: done.
            removed = unfinished.retire if unfinished and unfinished.switched else None
            if unfinished and unfinished.operation == "remove" and removed is not None:
                return PublishOutcome(removed, already_done=True, notes=notes)
            raise NothingToDoError(f"no content {content_id!r} in the catalog")
        journal = Journal(content_id, uuid.uuid4().hex, "remove", None, live)
        with self._recovering(journal):
            self.catalog.begin(journal)
            self.catalog.delete(journal)
            notes += self._finish(journal)
        return PublishOutcome(live, notes=notes)

    # --- the steps after the switch, and recovery -----------------------------------------

    def _finish(self, journal: Journal) -> tuple[str, ...]:
        """After the switch: the retired object goes, then its cached copies, then the journal."""
        notes: tuple[str, ...] = ()
        retired = journal.retire
        if retired is not None:
            if retired.root is None:
                self.bucket.delete_version(retired.key, retired.version)
            else:
                self.bucket.withdraw(retired)
            note = self.invalidator.invalidate(cached_paths(retired), journal.token)
            notes = (note,) if note else ()
        self.catalog.end(journal)
        return notes

    def _abandon(self, journal: Journal) -> None:
        """Before the switch: withdraw whatever the publish uploaded, then the journal."""
        if journal.target is not None:
            self.bucket.withdraw(journal.target)
        self.catalog.end(journal)

    def _recover(self, content_id: str, token: str | None = None) -> tuple[str, ...]:
        """Finish or undo an interrupted publish of ``content_id`` (its journal says which);
        with ``token``, only that publish's."""
        journal = self.catalog.journal(content_id)
        if journal is None or token not in (None, journal.token):
            return ()
        if journal.switched:
            return (f"finished an interrupted {journal.operation}", *self._finish(journal))
        self._abandon(journal)
        return (f"undid an interrupted {journal.operation} (nothing of it was served)",)

    @contextmanager
    def _recovering(self, journal: Journal) -> Iterator[None]:
        """Whatever stops the steps inside, recover (undo or finish) and say what happened."""
        try:
            yield
        except BaseException as exc:  # Ctrl-C included: the same recovery
            try:
                notes = self._recover(journal.content_id, journal.token) or ("nothing to undo",)
            except BaseException as failed:  # noqa: BLE001
                raise PublishError(
                    f"interrupted ({describe(exc)}) and the recovery failed too "
                    f"({describe(failed)}); run the same command again to finish"
                ) from exc
            raise PublishError(f"stopped ({describe(exc)}); {'; '.join(notes)}") from exc
