"""The README's FFmpeg recipe for an HLS set, run as written: what it makes is H.264 every
browser plays (4:2:0, Main profile, level 4.0), whatever the source, and a set `add --dir`
accepts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from local.samples import SAMPLE_DIR
from tests.support.ffmpeg_corpus import run_ffmpeg, video_stream
from tools.publishing.renditions import RenditionSet
from tools.stack import ROOT

#: Where the recipe may live: the README, or the documentation beside it.
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]


def recipe() -> str:
    """The one shell block of the documentation that cuts a video into an HLS set."""
    blocks = [
        block
        for document in DOCUMENTS
        for block in re.findall(r"```(?:bash|sh)\n(.*?)```", document.read_text(), re.S)
        if "ffmpeg " in block and "-f hls" in block
    ]
    assert len(blocks) == 1, f"{len(blocks)} FFmpeg HLS recipes in the documentation"
    return str(blocks[0])


def four_four_four(path: Path) -> None:
    """A source whose H.264 is High 4:4:4 unless the recipe says otherwise: FFmpeg's RGB test
    pattern, encoded as it comes."""
    run_ffmpeg(path.parent, "-f", "lavfi", "-i", "testsrc=size=320x180:rate=24:duration=3",
               "-f", "lavfi", "-i", "sine=duration=3", "-c:v", "libx264", "-c:a", "aac",
               "-shortest", path.name)  # fmt: skip
    assert video_stream(path)["pix_fmt"] == "yuv444p"


SOURCES = {
    "the sample video": lambda path: shutil.copyfile(SAMPLE_DIR / "intro.mp4", path),
    "a 4:4:4 test pattern": four_four_four,
}


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES)
def test_the_readme_ffmpeg_recipe_makes_h264_every_browser_plays(
    tmp_path: Path, source: str
) -> None:
    """The recipe starts in the sample set's folder and reads ../intro.mp4: both are made in
    a scratch copy of that layout."""
    folder = tmp_path / "local" / "sample_content" / "intro-hls"
    folder.mkdir(parents=True)
    SOURCES[source](folder.parent / "intro.mp4")
    subprocess.run(
        ["bash", "-euo", "pipefail", "-c", recipe()], cwd=tmp_path, check=True, timeout=120
    )

    made = RenditionSet.scan(folder)
    segments = [f.path for f in made.files if f.relative.endswith(".ts")]
    assert segments
    for segment in segments:
        assert video_stream(segment) == {"pix_fmt": "yuv420p", "profile": "Main", "level": 40}
