"""The sample course every local run and test uses: one item of each content type, checked
and published by `bin/content`'s own code (tools.publishing), into courses created
first as `bin/content course put` creates them."""

from __future__ import annotations

from pathlib import Path

from shared.catalog.model import Course
from tools.publishing.draft import Draft

SAMPLE_COURSE = "aws-101"
SAMPLE_DIR = Path(__file__).resolve().parent / "sample_content"

SAMPLES = (
    Draft.check(
        SAMPLE_COURSE, "aws-101-intro", "Welcome to AWS 101", SAMPLE_DIR / "intro.mp4", position=1
    ),
    Draft.check(
        SAMPLE_COURSE,
        "aws-101-quiz-1",
        "Quiz 1: regions and edge locations",
        SAMPLE_DIR / "quiz-1.json",
        position=2,
    ),
    Draft.check(
        SAMPLE_COURSE,
        "aws-101-assignment-1",
        "Assignment 1: serve a private file",
        SAMPLE_DIR / "assignment-1.pdf",
        position=3,
    ),
    # An HLS rendition set made from intro.mp4 (the command is in sample_content/LICENSE.md).
    Draft.check_dir(
        SAMPLE_COURSE,
        "aws-101-lecture-1",
        "Lecture 1: the edge, streamed (HLS)",
        SAMPLE_DIR / "intro-hls",
        position=4,
    ),
)

#: A second course, so that a learner of the first can be shown a 403 on it.
OTHER_COURSE = "aws-201"
OTHER_SAMPLES = (
    Draft.check(
        OTHER_COURSE,
        "aws-201-quiz-1",
        "AWS 201 quiz 1: regions again",
        SAMPLE_DIR / "quiz-1.json",
        position=1,
    ),
)

COURSES = (
    Course.check(SAMPLE_COURSE, "AWS 101: serving private content", "The sample course."),
    Course.check(OTHER_COURSE, "AWS 201: regions again"),
)

#: The catalog items the samples become (as a publish with the token "sample" would make
#: them; a real publish draws a random one).
SAMPLE_ITEMS = tuple(sample.item("sample", sample.position or 1) for sample in SAMPLES)
