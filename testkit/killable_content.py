"""`bin/content` that stops dead after one publishing step, for tests that kill it there.

Usage: python -m testkit.killable_content <step> <bin/content arguments...>
``step`` is ``upload`` or ``switch``: once it is done, the process prints ``step done`` and
waits to be killed (SIGKILL: no handler, no recovery, as when a laptop dies).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from tools.content import main
from tools.publishing.bucket import ContentBucket
from tools.publishing.writes import CatalogWriter


def _stop_after(owner: type, name: str) -> None:
    step = getattr(owner, name)

    def then_wait(*args: Any, **kwargs: Any) -> Any:
        step(*args, **kwargs)
        print(f"{name} done", flush=True)
        time.sleep(600)

    setattr(owner, name, then_wait)


if __name__ == "__main__":
    where = sys.argv.pop(1)
    if where == "upload":
        _stop_after(ContentBucket, "upload")
    else:
        _stop_after(CatalogWriter, "replace")
        _stop_after(CatalogWriter, "put_if_absent")
    main()
