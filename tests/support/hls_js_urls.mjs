// Every URL hls.js's own parser (the vendored node_modules/hls.js, run in Node) derives from
// playlists: reads [{text, url}, ...] as JSON on stdin, writes one sorted list of URLs per
// playlist as JSON on stdout. Each playlist is read both ways hls.js may read it: as a
// multivariant playlist (the entry URL, when it has no #EXTINF) and as a media playlist (any
// playlist a variant or rendition names). Used by tests/support/hls_js.py.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const hlsPath = process.argv[2];
const { M3U8Parser } = await import(pathToFileURL(hlsPath).href);
const resolve = (uri, base) => (uri ? M3U8Parser.resolve(uri, base) : null);

function multivariantUrls(text, url) {
  const parsed = M3U8Parser.parseMasterPlaylist(text, url);
  const media = M3U8Parser.parseMasterPlaylistMedia(text, url, parsed);
  const urls = [
    ...parsed.levels.map((level) => level.url),
    ...parsed.iframeVariants.map((level) => level.url),
    ...(parsed.sessionKeys || []).map((key) => key.uri),
    ...Object.values(parsed.sessionData || {}).map((data) => resolve(data.URI, url)),
    parsed.contentSteering && parsed.contentSteering.uri,
  ];
  for (const renditions of Object.values(media)) {
    urls.push(...renditions.map((rendition) => rendition.url));
  }
  return urls;
}

function mediaUrls(text, url) {
  const details = M3U8Parser.parseLevelPlaylist(text, url, 0, 'main', 0, null);
  const urls = [];
  const fragments = [...details.fragments, details.fragmentHint];
  for (const fragment of fragments.filter(Boolean)) {
    urls.push(fragment.url, fragment.initSegment && fragment.initSegment.url);
    for (const key of Object.values(fragment.levelkeys || {})) {
      urls.push(key.uri);
    }
  }
  for (const part of details.partList || []) {
    urls.push(part.url);
  }
  urls.push(details.preloadHint && resolve(details.preloadHint.URI, url));
  for (const report of details.renditionReports || []) {
    urls.push(resolve(report.URI, url));
  }
  for (const range of Object.values(details.dateRanges)) {
    urls.push(resolve(range.attr['X-ASSET-URI'], url));
    urls.push(resolve(range.attr['X-ASSET-LIST'], url));
  }
  return urls;
}

const playlists = JSON.parse(readFileSync(0, 'utf8'));
// A playlist hls.js cannot parse at all is one it fetches nothing from.
const attempt = (read, text, url) => {
  try {
    return read(text, url);
  } catch {
    return [];
  }
};
const answers = playlists.map(({ text, url }) => {
  const urls = new Set([...attempt(multivariantUrls, text, url), ...attempt(mediaUrls, text, url)]);
  urls.delete(null);
  urls.delete(undefined);
  urls.delete('');
  return [...urls].sort();
});
process.stdout.write(JSON.stringify(answers));
