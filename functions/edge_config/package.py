"""Put ``config.json`` into the edge function's code package, reproducibly."""

from __future__ import annotations

import io
import zipfile

#: Where the edge handler looks for its configuration inside the package.
CONFIG_ENTRY = "edge_auth/config.json"
#: Lambda@Edge refuses viewer-trigger packages over 1 MB zipped (a hard AWS quota).
EDGE_PACKAGE_LIMIT_BYTES = 1_048_576
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)


class PackageError(Exception):
    """The code package cannot be used for a viewer-request trigger."""


def with_config(package: bytes, config_json: bytes) -> bytes:
    """A copy of the zip ``package`` whose ``edge_auth/config.json`` is ``config_json``.

    Entries are rewritten in name order with fixed timestamps, so the same code and the same
    configuration always give the same bytes, and so the same ``CodeSha256``.
    """
    try:
        source = zipfile.ZipFile(io.BytesIO(package))
        entries = {
            info.filename: (info, source.read(info))
            for info in source.infolist()
            if info.filename != CONFIG_ENTRY and not info.is_dir()
        }
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PackageError(f"the edge function's code is not a readable zip: {exc}") from exc
    if "edge_auth/app.py" not in entries:
        raise PackageError("the code package has no edge_auth/app.py; is it the edge function?")

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name in sorted([*entries, CONFIG_ENTRY]):
            data = config_json if name == CONFIG_ENTRY else entries[name][1]
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)
    result = out.getvalue()
    if len(result) > EDGE_PACKAGE_LIMIT_BYTES:
        raise PackageError(
            f"the edge package with its config is {len(result)} bytes zipped, over "
            f"Lambda@Edge's {EDGE_PACKAGE_LIMIT_BYTES}-byte limit for viewer triggers"
        )
    return result
