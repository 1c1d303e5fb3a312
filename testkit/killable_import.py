"""`bin/content` that stops dead after its k-th enrolment-store write, for tests that kill it
there.

Usage: python -m testkit.killable_import <k> <bin/content arguments...>
A write is a course's creation (one transaction in the catalog), one BatchWriteItem call of up
to 25 enrolments, a batch's revocations or their confirmation (``RevokingEnrolments``' two
grant-store steps; a confirmation in the revocation's own second writes nothing, and counts
all the same, so that the count does not depend on the clock) or a replacement's settling
(UpdateItem). Once the k-th has taken effect, the process prints ``write done`` and waits to be
killed (SIGKILL: no handler, no clean-up, as when a machine dies mid-import).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from shared.enrolments.revoking import RevokingEnrolments
from shared.enrolments.store import EnrolmentStore
from tools.content import main
from tools.publishing.writes import CatalogWriter


def _stop_after(writes: int) -> None:
    seen = [0]

    def counted(owner: type, name: str) -> None:
        step = getattr(owner, name)

        def then_maybe_wait(*args: Any, **kwargs: Any) -> Any:
            answer = step(*args, **kwargs)
            seen[0] += 1
            if seen[0] == writes:
                print("write done", flush=True)
                time.sleep(600)
            return answer

        setattr(owner, name, then_maybe_wait)

    counted(CatalogWriter, "put_course")
    counted(EnrolmentStore, "_write_chunk")
    counted(EnrolmentStore, "settle")
    counted(RevokingEnrolments, "_revoke")
    counted(RevokingEnrolments, "_confirm")


if __name__ == "__main__":
    _stop_after(int(sys.argv.pop(1)))
    main()
