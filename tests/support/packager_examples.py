"""Rendition sets shaped as AWS Elemental MediaConvert and Shaka Packager write them, as text
fixtures: the playlists as their documentation and published test outputs show them (sources
cited per set), the media files short stand-ins with the right first bytes. Each set's entry
playlist is named master.m3u8, as ``add --dir`` asks when the top holds several."""

from __future__ import annotations

#: Stand-ins for media files: an MPEG-TS packet, an MP4 box, a WebVTT header, a key.
TS = b"G" + bytes(187)
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
VTT = b"WEBVTT\n"
KEY = bytes(range(16))

# Shaka Packager's end-to-end test expectations for MPEG-TS output with an I-frame playlist:
# github.com/shaka-project/shaka-packager, packager/app/test/testdata/avc-aac-ts/
# (output.m3u8, bear-640x360-video.m3u8, bear-640x360-audio.m3u8,
# bear-640x360-video-iframe.m3u8). The "## Generated with" comment is Shaka's own.
SHAKA_TS: dict[str, str | bytes] = {
    "master.m3u8": (
        "#EXTM3U\n"
        "## Generated with https://github.com/google/shaka-packager version <tag>-<hash>-<test>\n"
        "\n"
        "#EXT-X-INDEPENDENT-SEGMENTS\n"
        "\n"
        '#EXT-X-MEDIA:TYPE=AUDIO,URI="bear-640x360-audio.m3u8",GROUP-ID="default-audio-group",'
        'NAME="stream_0",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2"\n'
        "\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=1217520,AVERAGE-BANDWIDTH=1117320,"
        'CODECS="avc1.64001e,mp4a.40.2",RESOLUTION=640x360,FRAME-RATE=29.970,'
        'AUDIO="default-audio-group",CLOSED-CAPTIONS=NONE\n'
        "bear-640x360-video.m3u8\n"
        "\n"
        "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=217180,AVERAGE-BANDWIDTH=157213,"
        'CODECS="avc1.64001e",RESOLUTION=640x360,CLOSED-CAPTIONS=NONE,'
        'URI="bear-640x360-video-iframe.m3u8"\n'
    ),
    "bear-640x360-video.m3u8": (
        "#EXTM3U\n#EXT-X-VERSION:6\n"
        "## Generated with https://github.com/shaka-project/shaka-packager version "
        "<tag>-<hash>-<test>\n"
        "#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n"
        "#EXTINF:1.001,\nbear-640x360-video-1.ts\n"
        "#EXTINF:1.001,\nbear-640x360-video-2.ts\n"
        "#EXTINF:0.734,\nbear-640x360-video-3.ts\n"
        "#EXT-X-ENDLIST\n"
    ),
    "bear-640x360-audio.m3u8": (
        "#EXTM3U\n#EXT-X-VERSION:6\n"
        "## Generated with https://github.com/shaka-project/shaka-packager version "
        "<tag>-<hash>-<test>\n"
        "#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n"
        "#EXTINF:0.975,\nbear-640x360-audio-1.ts\n"
        "#EXTINF:0.998,\nbear-640x360-audio-2.ts\n"
        "#EXTINF:0.789,\nbear-640x360-audio-3.ts\n"
        "#EXT-X-ENDLIST\n"
    ),
    "bear-640x360-video-iframe.m3u8": (
        "#EXTM3U\n#EXT-X-VERSION:6\n"
        "## Generated with https://github.com/google/shaka-packager version "
        "<tag>-<hash>-<test>\n"
        "#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-I-FRAMES-ONLY\n"
        "#EXTINF:1.001,\n#EXT-X-BYTERANGE:15604@376\nbear-640x360-video-1.ts\n"
        "#EXTINF:1.001,\n#EXT-X-BYTERANGE:18236@376\nbear-640x360-video-2.ts\n"
        "#EXTINF:0.667,\n#EXT-X-BYTERANGE:19928@376\nbear-640x360-video-3.ts\n"
        "#EXT-X-ENDLIST\n"
    ),
    **{f"bear-640x360-{kind}-{n}.ts": TS for kind in ("video", "audio") for n in (1, 2, 3)},
}

# Shaka Packager's fragmented MP4 output, one file per stream addressed by byte ranges after
# an EXT-X-MAP with its own BYTERANGE, and an I-frame playlist:
# github.com/shaka-project/shaka-packager,
# packager/app/test/testdata/audio-video-with-language-override-with-subtag/. The subtitles
# rendition (WebVTT) is written as Shaka's master playlist test expects one
# (packager/hls/base/master_playlist_unittest.cc), with a relative URI.
SHAKA_FMP4: dict[str, str | bytes] = {
    "master.m3u8": (
        "#EXTM3U\n"
        "## Generated with https://github.com/shaka-project/shaka-packager version "
        "<tag>-<hash>-<test>\n"
        "\n"
        "#EXT-X-INDEPENDENT-SEGMENTS\n"
        "\n"
        '#EXT-X-MEDIA:TYPE=AUDIO,URI="bear-640x360-audio.m3u8",GROUP-ID="default-audio-group",'
        'LANGUAGE="pt-BR",NAME="stream_0",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2"\n'
        '#EXT-X-MEDIA:TYPE=SUBTITLES,URI="eng.m3u8",GROUP-ID="textgroup",LANGUAGE="en",'
        'NAME="english",DEFAULT=YES,AUTOSELECT=YES\n'
        "\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=1106817,AVERAGE-BANDWIDTH=1004632,"
        'CODECS="avc1.64001e,mp4a.40.2",RESOLUTION=640x360,FRAME-RATE=29.970,'
        'AUDIO="default-audio-group",SUBTITLES="textgroup",CLOSED-CAPTIONS=NONE\n'
        "bear-640x360-video.m3u8\n"
        "\n"
        "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=214292,AVERAGE-BANDWIDTH=156327,"
        'CODECS="avc1.64001e",RESOLUTION=640x360,URI="bear-640x360-video-iframe.m3u8"\n'
    ),
    "bear-640x360-video.m3u8": (
        "#EXTM3U\n#EXT-X-VERSION:6\n"
        "## Generated with https://github.com/google/shaka-packager version "
        "<tag>-<hash>-<test>\n"
        "#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n"
        '#EXT-X-MAP:URI="bear-640x360-video.mp4",BYTERANGE="863@0"\n'
        "#EXTINF:1.001,\n#EXT-X-BYTERANGE:99313@931\nbear-640x360-video.mp4\n"
        "#EXTINF:1.001,\n#EXT-X-BYTERANGE:121807\nbear-640x360-video.mp4\n"
        "#EXTINF:0.734,\n#EXT-X-BYTERANGE:79663\nbear-640x360-video.mp4\n"
        "#EXT-X-ENDLIST\n"
    ),
    "bear-640x360-audio.m3u8": (
        "#EXTM3U\n#EXT-X-VERSION:6\n"
        "## Generated with https://github.com/google/shaka-packager version "
        "<tag>-<hash>-<test>\n"
        "#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n"
        '#EXT-X-MAP:URI="bear-640x360-audio.mp4",BYTERANGE="797@0"\n'
        "#EXTINF:1.022,\n#EXT-X-BYTERANGE:17028@865\nbear-640x360-audio.mp4\n"
        "#EXTINF:0.998,\n#EXT-X-BYTERANGE:16285\nbear-640x360-audio.mp4\n"
        "#EXTINF:0.720,\n#EXT-X-BYTERANGE:9559\nbear-640x360-audio.mp4\n"
        "#EXT-X-ENDLIST\n"
    ),
    "bear-640x360-video-iframe.m3u8": (
        "#EXTM3U\n#EXT-X-VERSION:6\n"
        "## Generated with https://github.com/google/shaka-packager version "
        "<tag>-<hash>-<test>\n"
        "#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-I-FRAMES-ONLY\n"
        '#EXT-X-MAP:URI="bear-640x360-video.mp4",BYTERANGE="863@0"\n'
        "#EXTINF:1.001,\n#EXT-X-BYTERANGE:15581@931\nbear-640x360-video.mp4\n"
        "#EXTINF:1.001,\n#EXT-X-BYTERANGE:18221@100244\nbear-640x360-video.mp4\n"
        "#EXTINF:0.734,\n#EXT-X-BYTERANGE:19663@222051\nbear-640x360-video.mp4\n"
        "#EXT-X-ENDLIST\n"
    ),
    "eng.m3u8": (
        "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n"
        "#EXTINF:2.736,\neng-1.vtt\n#EXT-X-ENDLIST\n"
    ),
    "bear-640x360-video.mp4": MP4,
    "bear-640x360-audio.mp4": MP4,
    "eng-1.vtt": VTT,
}

# AWS Elemental MediaConvert's HLS output group, assembled from what its documentation shows:
# the audio rendition group's EXT-X-MEDIA lines as the MediaConvert User Guide prints them
# (docs.aws.amazon.com/mediaconvert/latest/ug/using-alternate-audio-renditions.html); an
# I-frame-only variant playlist of EXT-X-BYTERANGE entries (API reference,
# HlsIFrameOnlyManifest: INCLUDE, and MediaLive's "#EXT-X-BYTERANGE:160364@1461888"); the
# #EXT-X-ALLOW-CACHE:NO its Client cache setting writes when disabled (HlsClientCache), the
# EXT-X-PROGRAM-DATE-TIME of HlsProgramDateTime INCLUDE, CODECS (HlsCodecSpecification
# RFC_6381) and EXT-X-INDEPENDENT-SEGMENTS on the multivariant playlist.
MEDIACONVERT: dict[str, str | bytes] = {
    "master.m3u8": (
        "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-INDEPENDENT-SEGMENTS\n"
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",CHANNELS="2",NAME="English",LANGUAGE="eng",'
        'DEFAULT=YES,AUTOSELECT=YES,URI="english_audio.m3u8"\n'
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",CHANNELS="2",NAME="Japanese",LANGUAGE="jpn",'
        'DEFAULT=NO,AUTOSELECT=NO,URI="japanese_audio.m3u8"\n'
        "#EXT-X-STREAM-INF:BANDWIDTH=1264788,AVERAGE-BANDWIDTH=1170520,"
        'CODECS="avc1.4d401f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=29.970,AUDIO="audio"\n'
        "lecture_720p.m3u8\n"
        "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=238056,AVERAGE-BANDWIDTH=101840,"
        'CODECS="avc1.4d401f",RESOLUTION=1280x720,URI="lecture_720p_iframe.m3u8"\n'
    ),
    "lecture_720p.m3u8": (
        "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:1\n"
        "#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-ALLOW-CACHE:NO\n"
        "#EXT-X-PROGRAM-DATE-TIME:2024-03-01T10:00:00.000Z\n"
        "#EXTINF:10,\nlecture_720p_00001.ts\n#EXTINF:4,\nlecture_720p_00002.ts\n"
        "#EXT-X-ENDLIST\n"
    ),
    "lecture_720p_iframe.m3u8": (
        "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:1\n"
        "#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-I-FRAMES-ONLY\n"
        "#EXTINF:10,\n#EXT-X-BYTERANGE:160364@1461888\nlecture_720p_00001.ts\n"
        "#EXTINF:4,\n#EXT-X-BYTERANGE:146452@376\nlecture_720p_00002.ts\n"
        "#EXT-X-ENDLIST\n"
    ),
    **{
        f"{language}_audio.m3u8": (
            "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:1\n"
            f"#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:10,\n{language}_audio_00001.ts\n"
            f"#EXTINF:4,\n{language}_audio_00002.ts\n#EXT-X-ENDLIST\n"
        )
        for language in ("english", "japanese")
    },
    **{
        f"{name}_{n:05d}.ts": TS
        for name in ("lecture_720p", "english_audio", "japanese_audio")
        for n in (1, 2)
    },
}

EXAMPLES: dict[str, dict[str, str | bytes]] = {
    "Shaka Packager, MPEG-TS with an I-frame playlist": SHAKA_TS,
    "Shaka Packager, fMP4 byte ranges, WebVTT subtitles": SHAKA_FMP4,
    "MediaConvert, audio group, I-frames, program date": MEDIACONVERT,
}
