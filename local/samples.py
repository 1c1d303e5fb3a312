"""The sample course every local run and test uses: one item of each content type."""

from __future__ import annotations

from pathlib import Path

from content_delivery.model import ContentItem

SAMPLE_COURSE = "aws-101"
SAMPLE_DIR = Path(__file__).resolve().parent / "sample_content"

SAMPLE_ITEMS = (
    ContentItem(
        content_id="aws-101-intro",
        course_id=SAMPLE_COURSE,
        title="Welcome to AWS 101",
        type="video",
        key="courses/aws-101/intro.mp4",
        content_type="video/mp4",
        position=1,
    ),
    ContentItem(
        content_id="aws-101-quiz-1",
        course_id=SAMPLE_COURSE,
        title="Quiz 1: regions and edge locations",
        type="quiz",
        key="courses/aws-101/quiz-1.json",
        content_type="application/json",
        position=2,
    ),
    ContentItem(
        content_id="aws-101-assignment-1",
        course_id=SAMPLE_COURSE,
        title="Assignment 1: serve a private file",
        type="assignment",
        # A space and a "+" on purpose: URLs must encode both.
        key="courses/aws-101/assignment 1+notes.pdf",
        content_type="application/pdf",
        position=3,
    ),
)

#: The file each sample item's object is made from.
SAMPLE_FILES = {
    "aws-101-intro": SAMPLE_DIR / "intro.mp4",
    "aws-101-quiz-1": SAMPLE_DIR / "quiz-1.json",
    "aws-101-assignment-1": SAMPLE_DIR / "assignment-1.pdf",
}
