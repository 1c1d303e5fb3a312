"""Every relative link and anchor in README.md and docs/*.md leads somewhere (GitHub's rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.markdown_links import anchors, broken_links, links, slug
from tools.stack import ROOT


def documentation() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_the_readme_and_every_docs_page_have_no_broken_relative_link_or_anchor() -> None:
    broken = broken_links(documentation())
    assert not broken, "\n".join(str(link) for link in broken)


def test_the_readme_links_to_every_docs_page() -> None:
    linked = {target.partition("#")[0] for target in links((ROOT / "README.md").read_text())}
    pages = {f"docs/{page.name}" for page in documentation()[1:]}
    assert pages <= linked, sorted(pages - linked)


def test_the_readme_stays_within_250_lines() -> None:
    assert len((ROOT / "README.md").read_text().splitlines()) <= 250


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Try it locally", "try-it-locally"),
        ("The edge authorizer (`functions/edge_auth/`)", "the-edge-authorizer-functionsedge_auth"),
        ("HLS rendition sets: `add --dir`", "hls-rendition-sets-add---dir"),
        ("`rs256.py`: RS256 without `cryptography`", "rs256py-rs256-without-cryptography"),
        ("Deleting the stack, and deploying it again", "deleting-the-stack-and-deploying-it-again"),
        ("What it costs — in US$ (2025)", "what-it-costs--in-us-2025"),
        ("Key rotation (the plan)", "key-rotation-the-plan"),
        ("Über [links](x.md) *stay*", "über-links-stay"),
    ],
)
def test_a_heading_slug_follows_githubs_rules(heading: str, expected: str) -> None:
    assert slug(heading) == expected


def test_repeated_headings_are_numbered_and_headings_in_code_blocks_are_not_headings() -> None:
    text = "# Setup\n\n## Setup\n\n```bash\n# Setup\n```\n\n### Setup\n"
    assert anchors(text) == {"setup", "setup-1", "setup-2"}


def test_links_in_code_are_not_links_and_links_may_span_lines() -> None:
    text = "See `[a](gone.md)` and\n```\n[b](gone.md)\n```\n[two\nlines](here.md#x) ![img](p.png)"
    assert links(text) == ["here.md#x", "p.png"]


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_file_a_missing_anchor_and_an_anchor_in_another_page_are_each_reported(
    tmp_path: Path,
) -> None:
    write(tmp_path, "docs/guide.md", "# Guide\n\n## Deploy it\n")
    readme = write(
        tmp_path,
        "README.md",
        "# Top\n\n[ok](docs/guide.md#deploy-it) [ok](#top) [web](https://example.com/#x)\n"
        "[gone](docs/gone.md) [no anchor](docs/guide.md#deploy) [here](#nowhere)\n"
        "[into a file](LICENSE#x) [empty]()\n",
    )
    write(tmp_path, "LICENSE", "MIT\n")
    reported = {(link.target, link.reason.split(" (")[0]) for link in broken_links([readme])}
    assert reported == {
        ("docs/gone.md", "names no file"),
        ("docs/guide.md#deploy", "names no heading there"),
        ("#nowhere", "names no heading there"),
        ("LICENSE#x", "has an anchor into a non-Markdown file"),
        ("", "is empty"),
    }


def test_a_link_relative_to_a_docs_page_resolves_from_that_page(tmp_path: Path) -> None:
    write(tmp_path, "README.md", "# Read me\n")
    page = write(
        tmp_path, "docs/a.md", "[up](../README.md#read-me) [side](b.md) [wrong](README.md)\n"
    )
    write(tmp_path, "docs/b.md", "# B\n")
    assert [link.target for link in broken_links([page])] == ["README.md"]
