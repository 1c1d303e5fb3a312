"""The publishing check's reading of HLS playlists (``tools.publishing.playlist``): an allow-list of
lines read as hls.js 1.7 reads them, whose every URI names a file of the set. Held against
hls.js's own parser, run in Node: what real packagers write is accepted and hls.js reads
exactly the URIs the check resolved; what the check refuses names its file and line; and any
mutated playlist the check accepts leads hls.js nowhere outside the set."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from shared.catalog.errors import InvalidValueError
from tests.support.ffmpeg_corpus import SHAPES
from tests.support.hls_js import urls_hls_js_reads
from tests.support.packager_examples import EXAMPLES
from tests.unit.tools.publishing.test_renditions import make_set
from tools.publishing.media_types import MEDIA_TYPE_BY_EXTENSION
from tools.publishing.playlist import check, references, resolve
from tools.publishing.renditions import RenditionSet

#: Where a set's files are served (the grant is in the path, before the set's own folder).
ROOT_URL = "https://cdn.example.com/g/GRANT/courses/c-101/lecture/TOKEN/"


def playlists_of(found: RenditionSet) -> list[tuple[str, str]]:
    """Each playlist of a checked set: its place and text."""
    return [(f.relative, f.path.read_text()) for f in found.files if f.is_playlist]


def resolved_urls(place: str, text: str) -> list[str]:
    """The URLs of the URIs the check read in a playlist it accepted."""
    places = {resolve(place, reference.uri) for reference in references(text, place)}
    return sorted(ROOT_URL + str(named) for named in places)


def assert_hls_js_reads_what_the_check_resolved(sets: list[RenditionSet]) -> None:
    playlists = [pair for found in sets for pair in playlists_of(found)]
    read = urls_hls_js_reads([(text, ROOT_URL + place) for place, text in playlists])
    assert read == [resolved_urls(place, text) for place, text in playlists]


@pytest.mark.parametrize("example", EXAMPLES)
def test_what_mediaconvert_and_shaka_packager_write_is_accepted(
    tmp_path: Path, example: str
) -> None:
    found = RenditionSet.scan(make_set(tmp_path / "set", EXAMPLES[example]))
    assert len(found.files) == len(EXAMPLES[example])


def test_hls_js_reads_the_packager_examples_uris_as_the_check_resolved_them(
    tmp_path: Path,
) -> None:
    sets = [
        RenditionSet.scan(make_set(tmp_path / str(n), files))
        for n, files in enumerate(EXAMPLES.values())
    ]
    assert_hls_js_reads_what_the_check_resolved(sets)


@pytest.mark.slow
@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_ffmpeg_writes_is_accepted(ffmpeg_corpus: dict[str, Path], shape: str) -> None:
    found = RenditionSet.scan(ffmpeg_corpus[shape])
    assert found.entry.relative in {"index.m3u8", "master.m3u8"}


@pytest.mark.slow
def test_hls_js_reads_the_ffmpeg_corpus_uris_as_the_check_resolved_them(
    ffmpeg_corpus: dict[str, Path],
) -> None:
    assert_hls_js_reads_what_the_check_resolved(
        [RenditionSet.scan(folder) for folder in ffmpeg_corpus.values()]
    )


#: The set every refusal below is checked in: a multivariant playlist at the top, a media
#: playlist in v0/, and files a playlist may name.
SET_PLACES = [
    "master.m3u8",
    "v0/index.m3u8",
    "v0/s.ts",
    "v0/init.mp4",
    "v0/k.key",
    "v0/data.json",
    "v0/list.json",
    "steering.json",
]
MEDIA_TYPES = {
    place: MEDIA_TYPE_BY_EXTENSION["." + place.rsplit(".", 1)[1]] for place in SET_PLACES
}
MASTER = "#EXTM3U\n"
VARIANT = "#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n"
MEDIA = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n"
SEGMENT = "#EXTINF:1,\ns.ts\n"
END = "#EXT-X-ENDLIST\n"
ELSEWHERE = "https://elsewhere.example/x"


def checked(text: str) -> None:
    """Check ``text`` as the set's master playlist, or its media playlist when it starts as
    MEDIA does."""
    place = "v0/index.m3u8" if "#EXT-X-TARGETDURATION:1" in text[:40] else "master.m3u8"
    check(place, place, text.encode(), MEDIA_TYPES)


def master(*lines: str) -> str:
    return MASTER + "".join(lines) + VARIANT


def media(*lines: str) -> str:
    return MEDIA + "".join(lines) + SEGMENT + END


def key(attributes: str) -> str:
    return media(f"#EXT-X-KEY:{attributes}\n")


#: Each URI-bearing tag or line, its URI a placeholder: the URI must name a file of the set.
URI_CARRIERS = {
    "a variant's URI line": (MASTER + "#EXT-X-STREAM-INF:BANDWIDTH=1\n{}\n", 3),
    "a rendition": (master('#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="a",URI="{}"\n'), 2),
    "an I-frame variant": (master('#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="{}"\n'), 2),
    "a session key": (master('#EXT-X-SESSION-KEY:METHOD=AES-128,URI="{}"\n'), 2),
    "a key": (key('METHOD=AES-128,URI="{}"'), 3),
    "an initialization section": (media('#EXT-X-MAP:URI="{}"\n'), 3),
    "a segment's URI line": (MEDIA + "#EXTINF:1,\n{}\n" + END, 4),
}


@pytest.mark.parametrize("carrier", URI_CARRIERS)
@pytest.mark.parametrize(
    ("uri", "message"),
    [
        (ELSEWHERE, "only relative URIs inside the set"),
        ("../../other/x.ts", "only relative URIs inside the set"),
        ("missing.m3u8", "which is not in the set"),
    ],
    ids=["absolute", "out of the set", "missing"],
)
def test_every_uri_bearing_tag_and_line_must_name_a_file_of_the_set(
    carrier: str, uri: str, message: str
) -> None:
    template, line = URI_CARRIERS[carrier]
    with pytest.raises(InvalidValueError, match=rf":{line}: names '{re.escape(uri)}'.*{message}"):
        checked(template.replace("{}", uri))


REFUSED: dict[str, tuple[str, str]] = {
    # The first attack: a steering manifest inside the set moved the stream (and the
    # grant in its path) to another host.
    "content steering naming a file of the set": (
        master('#EXT-X-CONTENT-STEERING:SERVER-URI="steering.json"\n'),
        ":2: #EXT-X-CONTENT-STEERING: content steering",
    ),
    # The second: hls.js reads the duration and fetches the rest as a segment.
    "#EXTINF with no comma, then a URL": (
        media("#EXTINF:3.2 http://elsewhere.example/injected.ts\n"),
        ":3: #EXTINF must be a duration, a comma and a title",
    ),
    "#EXTINF with letters after its duration": (
        media("#EXTINF:3.2x,\n"),
        ":3: #EXTINF must be a duration, a comma and a title",
    ),
    "an unknown tag": (media("#EXT-X-CUE-OUT:30\n"), ":3: #EXT-X-CUE-OUT is not a tag"),
    "a tag in lower case": (
        media(f"#ext-x-key:METHOD=AES-128,URI={ELSEWHERE}\n"),
        ":3: #ext-x-key is not a tag",
    ),
    "a second #EXTM3U": (media("#EXTM3U\n"), ":3: #EXTM3U again"),
    "session data with a URI": (
        master('#EXT-X-SESSION-DATA:DATA-ID="com.example.d",URI="v0/data.json"\n'),
        ":2: #EXT-X-SESSION-DATA with a URI",
    ),
    "a SAMPLE-AES key": (
        key('METHOD=SAMPLE-AES,URI="k.key"'),
        ":3: #EXT-X-KEY METHOD=SAMPLE-AES: only AES-128 and NONE",
    ),
    "a DRM key format": (
        key('METHOD=AES-128,URI="k.key",KEYFORMAT="com.apple.streamingkeydelivery"'),
        ":3: #EXT-X-KEY KEYFORMAT=com.apple.streamingkeydelivery: only identity",
    ),
    "a key format version": (
        key('METHOD=AES-128,URI="k.key",KEYFORMATVERSIONS="2"'),
        ":3: #EXT-X-KEY KEYFORMATVERSIONS: only 1",
    ),
    "no encryption with a URI": (
        key('METHOD=NONE,URI="k.key"'),
        ":3: #EXT-X-KEY METHOD=NONE with other attributes",
    ),
    "a key without a URI": (key("METHOD=AES-128"), ":3: #EXT-X-KEY without URI"),
    "a key without a method": (key('URI="k.key"'), ":3: #EXT-X-KEY without METHOD"),
    "a key with a short IV": (key('METHOD=AES-128,URI="k.key",IV=0x01'), ":3: #EXT-X-KEY IV="),
    "a session key without encryption": (
        master("#EXT-X-SESSION-KEY:METHOD=NONE\n"),
        ":2: #EXT-X-SESSION-KEY METHOD=NONE: only AES-128",
    ),
    "an interstitial": (
        media(
            '#EXT-X-DATERANGE:ID="ad",CLASS="com.apple.hls.interstitial",'
            'START-DATE="2020-01-01T00:00:00Z"\n'
        ),
        ":3: #EXT-X-DATERANGE is an interstitial",
    ),
    "an interstitial asset": (
        media('#EXT-X-DATERANGE:ID="ad",START-DATE="2020-01-01T00:00:00Z",X-ASSET-URI="s.ts"\n'),
        ":3: names an interstitial asset (X-ASSET-URI)",
    ),
    "an interstitial asset list inside the set": (
        media(
            '#EXT-X-DATERANGE:ID="ad",START-DATE="2020-01-01T00:00:00Z",X-ASSET-LIST="list.json"\n'
        ),
        ":3: names an interstitial asset list (X-ASSET-LIST)",
    ),
    "a client attribute": (
        media('#EXT-X-DATERANGE:ID="ad",START-DATE="2020-01-01T00:00:00Z",X-COM-EXAMPLE="1"\n'),
        ":3: #EXT-X-DATERANGE with attribute 'X-COM-EXAMPLE'",
    ),
    "a variable": (
        master('#EXT-X-DEFINE:NAME="host",VALUE="elsewhere.example"\n'),
        ":2: #EXT-X-DEFINE: variables",
    ),
    "an imported variable": (
        media('#EXT-X-DEFINE:IMPORT="host"\n'),
        ":3: #EXT-X-DEFINE: variables",
    ),
    "a variable from the URL's query": (
        master('#EXT-X-DEFINE:QUERYPARAM="host"\n'),
        ":2: #EXT-X-DEFINE: variables",
    ),
    "a partial segment": (
        media('#EXT-X-PART:DURATION=0.5,URI="s.ts"\n'),
        ":3: #EXT-X-PART: a low-latency tag",
    ),
    "a part target": (media("#EXT-X-PART-INF:PART-TARGET=0.5\n"), ":3: #EXT-X-PART-INF: a low"),
    "a preload hint": (
        media('#EXT-X-PRELOAD-HINT:TYPE=PART,URI="s.ts"\n'),
        ":3: #EXT-X-PRELOAD-HINT: a low-latency tag",
    ),
    "a rendition report": (
        media('#EXT-X-RENDITION-REPORT:URI="index.m3u8",LAST-MSN=1\n'),
        ":3: #EXT-X-RENDITION-REPORT: a low-latency tag",
    ),
    "server control": (
        media("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES\n"),
        ":3: #EXT-X-SERVER-CONTROL: a low-latency tag",
    ),
    "a skip": (media("#EXT-X-SKIP:SKIPPED-SEGMENTS=1\n"), ":3: #EXT-X-SKIP: a low-latency tag"),
    # hls.js finds a multivariant playlist's tags anywhere in its text.
    "a rendition inside a comment": (
        master(f'# old: #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="a",URI="{ELSEWHERE}"\n'),
        ":2: '#EXT' inside a line",
    ),
    "a session key inside a rendition's name": (
        master(
            '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",'
            f'NAME="#EXT-X-SESSION-KEY:METHOD=AES-128,URI={ELSEWHERE}"\n'
        ),
        ":2: '#EXT' inside a line",
    ),
    # JavaScript ends a line at these, and its \s (after a title) takes them.
    "a line separator in a title": (
        media(f"#EXTINF:1,title\u2028{ELSEWHERE}.ts\n", "s.ts\n"),
        ":3: a character that is not printable",
    ),
    "a carriage return alone": (
        media(f"#EXT-X-VERSION:3\r{ELSEWHERE}.ts\n"),
        ":3: a character that is not printable",
    ),
    "a tab": (media("#EXT-X-VERSION:\t3\n"), ":3: a character that is not printable"),
    "a byte order mark in a comment": (media("# \ufeffnote\n"), ":3: a character that is not"),
    "a segment in a multivariant playlist": (
        MASTER + VARIANT + "#EXTINF:1,\nv0/s.ts\n",
        ":4: #EXTINF in a multivariant playlist",
    ),
    "a rendition in a media playlist": (
        media('#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="a"\n'),
        ":3: #EXT-X-MEDIA in a media playlist",
    ),
    "a tag between a variant and its URI line": (
        MASTER + "#EXT-X-STREAM-INF:BANDWIDTH=1\n#EXT-X-INDEPENDENT-SEGMENTS\nv0/index.m3u8\n",
        ":3: #EXT-X-INDEPENDENT-SEGMENTS between #EXT-X-STREAM-INF and its URI line",
    ),
    "a variant with no URI line": (
        MASTER + VARIANT + "#EXT-X-STREAM-INF:BANDWIDTH=2\n",
        ":4: #EXT-X-STREAM-INF with no URI line after it",
    ),
    "two #EXTINF for one segment": (
        media("#EXTINF:1,\n"),
        ":4: #EXTINF after the #EXTINF of line 3",
    ),
    "an #EXTINF with no segment": (
        MEDIA + SEGMENT + "#EXTINF:1,\n" + END,
        ":5: #EXTINF with no URI line after it",
    ),
    "a URI line no tag introduces": (
        MEDIA + SEGMENT + "s.ts\n" + END,
        ":5: a URI line that no #EXTINF or #EXT-X-STREAM-INF introduces",
    ),
    "a steering pathway": (
        MASTER + '#EXT-X-STREAM-INF:BANDWIDTH=1,PATHWAY-ID="cdn"\nv0/index.m3u8\n',
        ":2: #EXT-X-STREAM-INF with attribute 'PATHWAY-ID'",
    ),
    "a URI attribute on a variant": (
        MASTER + f'#EXT-X-STREAM-INF:BANDWIDTH=1,URI="{ELSEWHERE}"\nv0/index.m3u8\n',
        ":2: #EXT-X-STREAM-INF with attribute 'URI'",
    ),
    "an attribute twice": (
        key(f'METHOD=AES-128,URI="k.key",URI="{ELSEWHERE}"'),
        ":3: #EXT-X-KEY with URI twice",
    ),
    # hls.js reads "junk,URI" as one attribute name.
    "a word with no value before an attribute": (
        key(f'METHOD=AES-128,junk,URI="{ELSEWHERE}"'),
        ":3: #EXT-X-KEY with attribute 'junk,URI'",
    ),
    "a word after the last attribute": (
        media('#EXT-X-MAP:URI="init.mp4",junk\n'),
        ":3: #EXT-X-MAP ends with 'junk', which is no attribute",
    ),
    "a tag with no attributes": (media("#EXT-X-MAP\n"), ":3: #EXT-X-MAP without attributes"),
    "a value on a tag that takes none": (media("#EXT-X-GAP:YES\n"), ":3: #EXT-X-GAP takes no"),
    "a value a tag does not take": (
        media("#EXT-X-PLAYLIST-TYPE:LIVE\n"),
        ":3: #EXT-X-PLAYLIST-TYPE with a value this check does not know: 'LIVE'",
    ),
    "a byte range that is not one": (
        media('#EXT-X-MAP:URI="init.mp4",BYTERANGE="all"\n'),
        ":3: #EXT-X-MAP BYTERANGE=all",
    ),
    "a rendition of no known type": (
        master('#EXT-X-MEDIA:TYPE=IMAGES,GROUP-ID="a",NAME="a"\n'),
        ":2: #EXT-X-MEDIA TYPE=IMAGES",
    ),
    "closed captions with a URI": (
        master('#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="c",NAME="c",URI="v0/index.m3u8"\n'),
        ":2: #EXT-X-MEDIA TYPE=CLOSED-CAPTIONS with a URI",
    ),
    "session data without an ID": (
        master('#EXT-X-SESSION-DATA:VALUE="x"\n'),
        ":2: #EXT-X-SESSION-DATA without DATA-ID",
    ),
    "a variant naming a segment": (
        MASTER + "#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/s.ts\n",
        ":3: names 'v0/s.ts', which is not a playlist",
    ),
    "a segment naming a playlist": (
        MEDIA + "#EXTINF:1,\nindex.m3u8\n" + END,
        ":4: names 'index.m3u8', which is not a file other than a playlist",
    ),
    "a first line with more than #EXTM3U": (
        "#EXTM3U x\n" + VARIANT,
        "master.m3u8 is not an HLS playlist (no #EXTM3U)",
    ),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_what_the_allow_list_does_not_vouch_for_is_refused_with_its_file_and_line(
    case: str,
) -> None:
    text, message = REFUSED[case]
    with pytest.raises(InvalidValueError, match=re.escape(message)) as refused:
        checked(text)
    assert str(refused.value).startswith(("master.m3u8", "v0/index.m3u8"))


def test_a_crlf_playlist_is_read_as_hls_js_reads_it() -> None:
    checked((MEDIA + SEGMENT + END).replace("\n", "\r\n"))


@pytest.mark.parametrize(
    "text",
    [
        media('#EXT-X-VERSION:3\n# a comment, with commas, = and quotes"\n\n'),
        media('#EXT-X-KEY:METHOD=AES-128,URI="k.key",IV=0x000102030405060708090A0B0C0D0E0F\n'),
        media('#EXT-X-KEY:METHOD=AES-128,URI="k.key"\n', "#EXT-X-KEY:METHOD=NONE\n"),
        media('#EXT-X-MAP:URI="init.mp4",BYTERANGE="720@0"\n', "#EXT-X-BYTERANGE:1000@720\n"),
        media("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2024-03-01T10:00:00.5+01:00\n"),
        media('#EXT-X-DATERANGE:ID="c1",START-DATE="2024-03-01T10:00:00Z",DURATION=60\n'),
        master('#EXT-X-SESSION-DATA:DATA-ID="com.example.title",VALUE="Lecture 1"\n'),
        master('#EXT-X-SESSION-KEY:METHOD=AES-128,URI="v0/k.key"\n'),
        master("#EXT-X-START:TIME-OFFSET=1.5,PRECISE=YES\n"),
        master('#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",NAME="en",INSTREAM-ID="CC1"\n'),
    ],
    ids=[
        "comments and blank lines",
        "an AES-128 key of the set with its IV",
        "a key, then none",
        "byte ranges after an initialization section",
        "a discontinuity and a program date",
        "a date range",
        "session data with a value",
        "a session key of the set",
        "a start offset",
        "closed captions in the video",
    ],
)
def test_the_rest_of_what_a_vod_set_uses_is_accepted(text: str) -> None:
    checked(text)


def test_references_are_the_uri_lines_and_attributes_in_line_order() -> None:
    text = (
        '#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="a",URI="a/x.m3u8"\n\n'
        "#EXT-X-STREAM-INF:BANDWIDTH=1\n# note\nv0/index.m3u8\n"
    )
    assert [(r.line, r.uri) for r in references(text, "master.m3u8")] == [
        (2, "a/x.m3u8"),
        (6, "v0/index.m3u8"),
    ]


# Material for the mutation test: what an attacker would splice into a playlist.
SPLICES = [
    f" {ELSEWHERE}/a.ts",
    f"\n{ELSEWHERE}/b.ts\n",
    f',URI="{ELSEWHERE}/k"',
    f",URI={ELSEWHERE}/k",
    f'\n# #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="a",URI="{ELSEWHERE}/a.m3u8"\n',
    f'\n#EXT-X-SESSION-KEY:METHOD=AES-128,URI="{ELSEWHERE}/k"\n',
    f"\n#EXT-X-STREAM-INF:BANDWIDTH=2\n{ELSEWHERE}/v.m3u8\n",
    f"\n#EXTINF:1 {ELSEWHERE}/c.ts\n",
    f"\n#EXTINF:1,t {ELSEWHERE}/d.ts",
    f'\n#EXT-X-MAP:URI="{ELSEWHERE}/init.mp4"\n',
    f'\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI="{ELSEWHERE}/p.ts"\n',
    f'\n#EXT-X-DATERANGE:ID="i",START-DATE="2020-01-01T00:00:00Z",X-ASSET-URI="{ELSEWHERE}/i"\n',
    "\n#EXTINF:1,\n",
    "\n#EXT-X-ENDLIST\n",
    "\n# a comment\n",
    "\n\n",
    "x",
    "0",
    "1.5",
    "../",
    "/",
    "//elsewhere.example/",
    "?x=1",
    "{$v}",
    "\r",
    "\r\n",
    "\n",
    "\u2028",
    "\u2029",
    "\x85",
    "\ufeff",
    "\t",
    " ",
    '"',
    ",",
    "=",
    "#",
    "#EXT",
]
SEEDS = {
    "master.m3u8": (
        '#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="a",URI="v0/index.m3u8"\n'
        '#EXT-X-SESSION-KEY:METHOD=AES-128,URI="v0/k.key"\n'
        '#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS="avc1.4d401e,mp4a.40.2",AUDIO="a"\nv0/index.m3u8\n'
        '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="v0/index.m3u8"\n'
    ),
    "v0/index.m3u8": (
        "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-PLAYLIST-TYPE:VOD\n"
        '#EXT-X-KEY:METHOD=AES-128,URI="k.key"\n#EXT-X-MAP:URI="init.mp4"\n'
        "#EXTINF:1,title\ns.ts\n#EXTINF:1.5,\n#EXT-X-BYTERANGE:10@0\ns.ts\n#EXT-X-ENDLIST\n"
    ),
}


def mutations(seed: int, count: int) -> list[tuple[str, str]]:
    """``count`` playlists made from SEEDS by splicing, deleting and repeating, reproducibly."""
    chance = random.Random(seed)  # noqa: S311 (reproducible test material, not a secret)
    made: list[tuple[str, str]] = []
    while len(made) < count:
        place = chance.choice(sorted(SEEDS))
        text = SEEDS[place]
        for _ in range(chance.randint(1, 2)):
            at = chance.randrange(len(text) + 1)
            operation = chance.random()
            if operation < 0.7:
                text = text[:at] + chance.choice(SPLICES) + text[at:]
            elif operation < 0.85:
                text = text[:at] + text[at + chance.randint(1, 8) :]
            else:
                text = text[:at] + text[chance.randrange(len(text) + 1) :][:40] + text[at:]
        made.append((place, text))
    return made


def test_no_mutated_playlist_the_check_accepts_leads_hls_js_outside_the_set() -> None:
    """The allow-list and hls.js, side by side: whatever the check accepts, every URL hls.js's
    parser derives from it (as a multivariant or a media playlist) is a file of the set. The
    mutations must include accepted playlists and attacks hls.js would follow, or the test
    would prove nothing."""
    candidates = mutations(seed=18, count=4000)
    accepted: list[bool] = []
    for place, text in candidates:
        try:
            check(place, place, text.encode(), MEDIA_TYPES)
        except InvalidValueError:
            accepted.append(False)
        else:
            accepted.append(True)
    read = urls_hls_js_reads([(text, ROOT_URL + place) for place, text in candidates])
    inside = {ROOT_URL + place for place in SET_PLACES}
    escaping = [not set(urls) <= inside for urls in read]

    assert [
        c for c, ok, out in zip(candidates, accepted, escaping, strict=True) if ok and out
    ] == []
    assert sum(accepted) >= 150
    assert sum(out for ok, out in zip(accepted, escaping, strict=True) if not ok) >= 1000


@pytest.mark.parametrize(
    ("playlist", "uri", "place"),
    [
        ("v0/index.m3u8", "seg_000.ts", "v0/seg_000.ts"),
        ("v0/index.m3u8", "../v1/seg.ts", "v1/seg.ts"),
        ("master.m3u8", "./v0/index.m3u8", "v0/index.m3u8"),
        ("master.m3u8", "../x.ts", None),
        ("v0/index.m3u8", "../../x.ts", None),
        ("master.m3u8", "http://x/y.ts", None),
        ("master.m3u8", "data:,x", None),
        ("master.m3u8", "//cdn.example/x.ts", None),
        ("master.m3u8", "a\\b.ts", None),
        ("master.m3u8", ".", None),
        ("master.m3u8", " https://cdn.example/../../x.ts", None),
        ("master.m3u8", "x.ts\t", None),
        # normpath would drop these, a player keeps them: it would ask for another key.
        ("master.m3u8", "v0//index.m3u8", None),
        ("v0/index.m3u8", "seg_000.ts/", None),
        ("v0/index.m3u8", "seg_000.ts/.", None),
    ],
)
def test_a_uri_resolves_inside_the_set_or_not_at_all(
    playlist: str, uri: str, place: str | None
) -> None:
    assert resolve(playlist, uri) == place
