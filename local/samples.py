"""The sample course every local run and test uses: three items of the three content types."""

from __future__ import annotations

from content_delivery.model import ContentItem

SAMPLE_COURSE = "aws-101"

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
        key="courses/aws-101/assignment 1+notes.pdf",
        content_type="application/pdf",
        position=3,
    ),
)
