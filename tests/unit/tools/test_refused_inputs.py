"""`bin/content` refuses a wrong request with one line and exit status 2 before any AWS call:
these run with the network blocked and no credentials, so any call would fail differently."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from local.samples import SAMPLE_DIR
from tools.content import run


@pytest.fixture(autouse=True)
def _no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["--stack", "some-stack", "--region", "us-east-1", *args], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "intro.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42video")
    (tmp_path / "quiz.json").write_text('{"questions": []}')
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "notes.xyz").write_bytes(b"notes")
    (tmp_path / "logo.png").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    (tmp_path / "page.txt").write_bytes(b'<!DOCTYPE html><meta http-equiv="refresh" content="0">')
    (tmp_path / "lecture").mkdir()
    return tmp_path


def add(files: Path, **changes: str | None) -> list[str]:
    fields: dict[str, str | None] = {
        "--course": "aws-101",
        "--id": "aws-101-intro",
        "--title": "Welcome",
        "--file": str(files / "intro.mp4"),
    }
    fields |= changes
    args = ["add"]
    for flag, value in fields.items():
        if value is not None:
            args += [flag, value]
    return args


REFUSED = {
    "a bad content ID": ({"--id": "bad id"}, "invalid content ID"),
    "a content ID starting with _": ({"--id": "_staging"}, "invalid content ID"),
    "a course ID starting with _": ({"--course": "_courses"}, "invalid course ID"),
    "a too long course ID": ({"--course": "x" * 65}, "invalid course ID"),
    "a missing file": ({"--file": "absent.mp4"}, "no such file"),
    "an empty file": ({"--file": "empty.pdf"}, "is empty"),
    "a type contradicting the file": (
        {"--file": "quiz.json", "--type": "video"},
        "--type video contradicts quiz.json, which is a quiz",
    ),
    "a content type contradicting the file": (
        {"--content-type": "application/pdf"},
        "contradicts",
    ),
    "a content type that is not a media type": (
        {"--file": "notes.xyz", "--content-type": "pdf"},
        "'pdf' is not a media type",
    ),
    "an unknown extension without a content type": (
        {"--file": "notes.xyz"},
        "pass --content-type",
    ),
    "a multi-line title": ({"--title": "Welcome\nrm -rf"}, "the title must be one line"),
    "an empty title": ({"--title": "  "}, "the title must be one line"),
    "position 0": ({"--position": "0"}, "position must be 1 or more"),
    "a negative position": ({"--position": "-3"}, "position must be 1 or more"),
    "a position that is not a number": ({"--position": "two"}, "invalid int value"),
    "an unknown type": ({"--type": "podcast"}, "invalid choice"),
    "a directory given to --file": (
        {"--file": "lecture"},
        "lecture is a directory: publish an HLS rendition set with --dir",
    ),
    "HTML whatever --content-type says": (
        {"--file": "notes.xyz", "--content-type": "text/html"},
        "HTML, XHTML, SVG and XML are never published",
    ),
    "SVG as its own type": (
        {"--file": "logo.png", "--content-type": "image/svg+xml"},
        "HTML, XHTML, SVG and XML are never published",
    ),
    "an SVG called a PNG": ({"--file": "logo.png"}, "logo.png is not a PNG"),
    "a page called text": ({"--file": "page.txt"}, "page.txt is not text"),
    "a type outside the table": (
        {"--file": "notes.xyz", "--content-type": "text/javascript"},
        "text/javascript is not a type bin/content publishes",
    ),
    "a move from the course it goes to": (
        {"--move-from-course": "aws-101"},
        "--move-from-course names the course the item goes to",
    ),
    "a move from a bad course ID": ({"--move-from-course": "a b"}, "invalid --move-from-course"),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_a_wrong_add_is_one_line_and_exit_status_2(files: Path, case: str) -> None:
    changes, message = REFUSED[case]
    relative = {k: str(files / v) if k == "--file" else v for k, v in changes.items()}
    code, out, err = cli(*add(files, **relative))
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert message in err


@pytest.mark.parametrize(
    "args",
    [
        ["remove", "--id", "a/b"],
        ["remove", "--id", "_publish#x"],
        ["list", "--course", "no spaces"],
        ["frobnicate"],
        [],
        ["add", "--course", "aws-101"],
        ["course"],
        ["course", "put", "--course", "aws-101"],
        ["course", "put", "--course", "a b", "--title", "AWS 101"],
        ["course", "put", "--course", "_courses", "--title", "AWS 101"],
        ["course", "put", "--course", "aws-101", "--title", " "],
        ["course", "put", "--course", "aws-101", "--title", "a\nb"],
        ["course", "put", "--course", "aws-101", "--title", "T", "--description", "x" * 1001],
        ["course", "put", "--course", "aws-101", "--title", "T", "--description", "a\x07"],
    ],
)
def test_other_wrong_requests_are_one_line_and_exit_status_2(args: list[str]) -> None:
    code, _, err = cli(*args)
    assert code == 2
    assert err.startswith("error: ")
    assert err.count("\n") == 1


def test_skip_os_junk_is_for_a_set_only(files: Path) -> None:
    code, _, err = cli(*add(files), "--skip-os-junk")
    assert (code, err) == (2, "error: --skip-os-junk is for --dir\n")


def test_a_valid_request_does_go_on_to_aws(files: Path) -> None:
    """The counterpart: the same command, valid, reaches for AWS (and fails here, exit 1)."""
    code, _, err = cli(*add(files))
    assert code == 1
    assert err.count("\n") == 1


def test_local_without_a_running_stack_says_so(files: Path, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    state = tmp_path / "stack.json"
    code = run(["--local", "--local-state", str(state), *add(files)], out, err)
    assert code == 1
    assert err.getvalue() == (
        f"error: the local stack is not running (no {state}); start it with `make local`\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["enroll", "--user", "not-an-email", "--course", "aws-101"], "invalid learner"),
        (["enroll", "--user", "a b@example.com", "--course", "aws-101"], "invalid learner"),
        (["enroll", "--user", "x@example.com\n", "--course", "aws-101"], "invalid learner"),
        (["enroll", "--user", "3F2A8C1E-0B1D-4C2E-9F3A-7D6E5C4B3A21", "--course", "a"], "invalid"),
        (["enroll", "--user", "x@example.com", "--course", "_courses"], "invalid course ID"),
        (["enroll", "--user", "x@example.com", "--course", "a/b"], "invalid course ID"),
        (["unenroll", "--user", "x@example.com", "--course", "x" * 65], "invalid course ID"),
        (["unenroll", "--user", "@example.com", "--course", "aws-101"], "invalid learner"),
        (["enrolments", "--learner", "x" * 120 + "@example.com"], "invalid learner"),
        (["enrolments", "--course", "a b"], "invalid course ID"),
        (["enroll", "--user", "x@example.com"], "--course"),
        (["enrolments"], "--course"),
        (["enrolments", "--course", "a", "--learner", "x@example.com"], "not allowed"),
        (
            ["enroll", "--user", "x@example.com", "--course", "a", "--not-after", "tomorrow"],
            "notAfter",
        ),
        (
            [
                "enroll",
                "--user",
                "x@example.com",
                "--course",
                "a",
                "--not-after",
                "2027-01-01T00:00:00",
            ],
            "UTC",
        ),
        (
            [
                "enroll",
                "--user",
                "x@e.com",
                "--course",
                "a",
                "--not-before",
                "2027-01-02T00:00:00Z",
                "--not-after",
                "2027-01-01T00:00:00Z",
            ],
            "earlier than",
        ),
        (["enroll", "--user", "x@e.com", "--course", "a", "--reference", "a\tb"], "reference"),
        (["import", "/nonexistent/enrolments.jsonl"], "cannot read"),
        (["migrate-groups", "--prefix", "course,"], "prefix"),
    ],
)
def test_a_bad_enrolment_request_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    code, out, err = cli(*args)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert message in err


def add_dir(directory: Path, *extra: str) -> list[str]:
    head = ["add", "--course", "aws-101", "--id", "aws-101-lecture", "--title", "Lecture"]
    return [*head, "--dir", str(directory), *extra]


@pytest.mark.parametrize(
    ("layout", "extra", "message"),
    [
        ({}, (), "holds no files"),
        ({"a.m3u8": "#EXTM3U\n", "b.m3u8": "#EXTM3U\n"}, (), "which is the entry?"),
        ({"master.m3u8": "#EXTM3U\nseg 1.ts\n", "seg 1.ts": "G"}, (), "is not a safe name"),
        ({"master.m3u8": "#EXTM3U\nmissing.ts\n"}, (), "which is not in the set"),
        ({"master.m3u8": "#EXTM3U\n"}, ("--content-type", "video/mp4"), "--content-type is for"),
        ({"master.m3u8": "#EXTM3U\n"}, ("--type", "quiz"), "--type quiz contradicts"),
        ({"master.m3u8": "#EXTM3U\n"}, ("--file", "x.mp4"), "not allowed with argument"),
        (
            {"master.m3u8": "#EXTM3U\n", ".DS_Store": "x"},
            (),
            "'.DS_Store' is an operating system's own file",
        ),
        (
            {"master.m3u8": "#EXTM3U\n", "notes.txt": "x"},
            (),
            "notes.txt is not a file of an HLS rendition set",
        ),
        (
            {"master.m3u8": "#EXTM3U\n", "s" * 240 + ".ts": "G"},
            (),
            "not a safe name (it has 243): use 1-128 characters",
        ),
    ],
)
def test_a_wrong_add_dir_is_one_line_and_exit_status_2(
    tmp_path: Path, layout: dict[str, str], extra: tuple[str, ...], message: str
) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    for name, text in layout.items():
        (folder / name).write_text(text)
    code, out, err = cli(*add_dir(folder, *extra))
    assert (code, out) == (2, "")
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert message in err


def test_a_symbolic_link_out_of_the_set_is_refused_before_aws(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "master.m3u8").write_text("#EXTM3U\n#EXTINF:1,\nkey.ts\n#EXT-X-ENDLIST\n")
    (tmp_path / "private.ts").write_bytes(b"not for the bucket")
    (folder / "key.ts").symlink_to(tmp_path / "private.ts")
    code, _, err = cli(*add_dir(folder))
    assert code == 2
    assert "leads outside the directory" in err


def test_a_valid_set_does_go_on_to_aws() -> None:
    code, _, err = cli(*add_dir(SAMPLE_DIR / "intro-hls"))
    assert code == 1
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["grant-key"], "error: the following arguments are required: rotate|retire\n"),
        (["grant-key", "spin"], "error: argument rotate|retire: invalid choice: 'spin' (choose"),
        (["grant-key", "rotate", "--kid", "x"], "error: unrecognized arguments: --kid x\n"),
        (["grant-key", "retire", "now"], "error: unrecognized arguments: now\n"),
    ],
)
def test_a_grant_key_command_it_cannot_read_is_one_line_and_exit_status_2(
    args: list[str], message: str
) -> None:
    code, out, err = cli(*args)
    assert (code, out) == (2, "")
    assert err.startswith(message)
    assert err.count("\n") == 1
