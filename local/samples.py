"""The sample course every local run and test uses: one item of each content type, published
by `bin/content`'s own code (tools.publisher)."""

from __future__ import annotations

from pathlib import Path

from tools.publisher import NewContent, plan_item

SAMPLE_COURSE = "aws-101"
SAMPLE_DIR = Path(__file__).resolve().parent / "sample_content"

SAMPLES = (
    NewContent(
        SAMPLE_COURSE, "aws-101-intro", "Welcome to AWS 101", SAMPLE_DIR / "intro.mp4", position=1
    ),
    NewContent(
        SAMPLE_COURSE,
        "aws-101-quiz-1",
        "Quiz 1: regions and edge locations",
        SAMPLE_DIR / "quiz-1.json",
        position=2,
    ),
    NewContent(
        SAMPLE_COURSE,
        "aws-101-assignment-1",
        "Assignment 1: serve a private file",
        SAMPLE_DIR / "assignment-1.pdf",
        position=3,
    ),
)

#: The catalog items the samples become.
SAMPLE_ITEMS = tuple(plan_item(sample) for sample in SAMPLES)
