"""HLS sets as FFmpeg's HLS muxer writes them, made at test time (nothing binary committed):
one per shape a VOD lecture comes in. Each is a 3-second clip of FFmpeg's test pattern and a
sine tone, H.264 Main profile, level 3.0, 4:2:0 (what every browser plays), AAC audio, cut
into 1-second segments.

FFmpeg is Debian's package (.ci/run installs it); a test that needs it fails under CI when it
is missing and is skipped elsewhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

#: The clip: FFmpeg's lavfi test sources, 3 s long.
SOURCES = [
    "-f", "lavfi", "-i", "testsrc=size=320x180:rate=24:duration=3",
    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3",
]  # fmt: skip
#: What every browser plays: 4:2:0 H.264 at a stated profile and level, a keyframe every
#: second (each segment starts with one), AAC.
VIDEO = [
    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-profile:v", "main", "-level:v", "3.0",
    "-g", "24", "-keyint_min", "24", "-sc_threshold", "0",
]  # fmt: skip
AUDIO = ["-c:a", "aac", "-b:a", "64k"]
HLS = ["-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod"]
#: The AES-128 key of the encrypted shape (a test key: the set is published as it is).
KEY = bytes(range(16))
SUBTITLES = (
    "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello\n\n00:00:01.500 --> 00:00:03.000\nWorld\n"
)


def ffmpeg() -> str:
    """FFmpeg's path, or the test's skip (its failure under CI)."""
    found = shutil.which("ffmpeg")
    if found is None:
        message = "FFmpeg not found (install Debian's ffmpeg package)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must run this test (.ci/run installs it)")
        pytest.skip(f"{message}; CI runs this test")
    return found


def run_ffmpeg(cwd: Path, *arguments: str) -> None:
    subprocess.run(
        [ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *arguments],
        cwd=cwd,
        check=True,
        timeout=120,
    )


def video_stream(path: Path) -> dict[str, object]:
    """ffprobe's account of the first video stream in ``path``: pix_fmt, profile, level."""
    ffmpeg()  # ffprobe comes in the same package
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-of", "json",
         "-show_entries", "stream=pix_fmt,profile,level", str(path)],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    streams: list[dict[str, object]] = json.loads(done.stdout)["streams"]
    return streams[0]


def mpeg_ts(folder: Path, work: Path) -> None:
    """One media playlist of MPEG-TS segments."""
    run_ffmpeg(folder, *SOURCES, *VIDEO, *AUDIO, *HLS,
               "-hls_segment_filename", "seg_%03d.ts", "index.m3u8")  # fmt: skip


def fmp4(folder: Path, work: Path) -> None:
    """Fragmented MP4 segments after an initialization section (``#EXT-X-MAP``)."""
    run_ffmpeg(folder, *SOURCES, *VIDEO, *AUDIO, *HLS, "-hls_segment_type", "fmp4",
               "-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", "seg_%03d.m4s",
               "index.m3u8")  # fmt: skip


def byte_range(folder: Path, work: Path) -> None:
    """One MPEG-TS file, its segments as byte ranges (``#EXT-X-BYTERANGE``)."""
    run_ffmpeg(folder, *SOURCES, *VIDEO, *AUDIO, *HLS, "-hls_flags", "single_file",
               "index.m3u8")  # fmt: skip


def multivariant(folder: Path, work: Path) -> None:
    """A multivariant playlist (``var_stream_map``): two video variants sharing an audio
    rendition group, each with WebVTT subtitles in a subtitles group."""
    subtitles = work / "subtitles.vtt"
    subtitles.write_text(SUBTITLES)
    run_ffmpeg(
        folder, *SOURCES, "-i", str(subtitles),
        "-filter_complex", "[0:v]split=2[high][full];[full]scale=160:90[low]",
        "-map", "[high]", "-map", "[low]", "-map", "1:a", "-map", "2:s", "-map", "2:s",
        *VIDEO, "-b:v:0", "300k", "-b:v:1", "100k", *AUDIO, "-c:s", "webvtt", *HLS,
        "-hls_segment_filename", "v%v/seg_%03d.ts", "-master_pl_name", "master.m3u8",
        "-var_stream_map",
        "v:0,s:0,agroup:audio,sgroup:subtitles,name:high "
        "v:1,s:1,agroup:audio,sgroup:subtitles,name:low "
        "a:0,agroup:audio,name:audio,default:yes,language:en",
        "v%v/index.m3u8",
    )  # fmt: skip


def aes_128(folder: Path, work: Path) -> None:
    """MPEG-TS segments encrypted with AES-128 (``#EXT-X-KEY``), the key a file of the set."""
    (folder / "lecture.key").write_bytes(KEY)
    key_info = work / "key-info.txt"
    key_info.write_text(f"lecture.key\n{folder / 'lecture.key'}\n")
    run_ffmpeg(folder, *SOURCES, *VIDEO, *AUDIO, *HLS, "-hls_key_info_file", str(key_info),
               "-hls_segment_filename", "seg_%03d.ts", "index.m3u8")  # fmt: skip


SHAPES = {
    "mpeg-ts": mpeg_ts,
    "fmp4": fmp4,
    "byte-range": byte_range,
    "multivariant": multivariant,
    "aes-128": aes_128,
}


def build_corpus(root: Path) -> dict[str, Path]:
    """Every shape's set, each in a folder of ``root`` named for it."""
    sets: dict[str, Path] = {}
    for name, make in SHAPES.items():
        folder, work = root / name, root / f"{name}-work"
        folder.mkdir()
        work.mkdir()
        make(folder, work)
        sets[name] = folder
    return sets
