import cf from 'cloudfront';

// The content grant check: a CloudFront Function (JavaScript runtime 2.0) on viewer
// requests of /g/*. Deployed byte for byte as written: no build step, under 10 KB.
//
// A request for /g/<grant>/courses/<course>/<object> goes on, its URI rewritten to
// /courses/<course>/<object> (one cached copy for every viewer), only if <grant> is a valid
// g1 grant for that course. Everything else gets a small 401 or 403, and so does any error:
// a thrown error would be a function error, which CloudFront answers with a 5xx.
//
// The grant format is shared/grant_token.py's, the store's layout shared/grant_store.py's,
// the course-URI rule shared/course_uri.py's; testkit/grant_reference.py is this check in
// Python, and one corpus (tests/vectors/grant_cases.json) holds the two to the same answers.
// The order of the checks, first refusal wins:
//   1. printable ASCII URI of at most 2048 characters: /g/, a well-formed grant, /  -> 401
//   2. a clean course URI after the grant                                         -> 401
//   3. the grant's key in the store (k:<kid>), current or previous, before notAfter -> 401
//   4. its HMAC-SHA256 verifies                                                    -> 401
//   5. iat < exp <= iat + 1 day, iat <= now + 60 s, now < exp                      -> 401
//   6. the URI's course is the grant's                                             -> 403
//   7. no revocation r:<sub>:<course> or r:<sub> at or after iat                   -> 403

const crypto = require('crypto');

const MAX_URI_LENGTH = 2048;
const MAX_GRANT_LENGTH = 314;
const MAX_LIFETIME = 86400;
const CLOCK_SKEW = 60;
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;
// g1.<kid>.<sub>.<course>.<iat>.<exp>.<gid>.<mac>
const GRANT = new RegExp(
    '^g1\\.([A-Za-z0-9_-]{1,32})\\.([A-Za-z0-9_-]{1,128})\\.' +
    '([A-Za-z0-9-][A-Za-z0-9_-]{0,63})\\.(0|[1-9][0-9]{0,10})\\.(0|[1-9][0-9]{0,10})\\.' +
    '[A-Za-z0-9_-]{16}\\.([A-Za-z0-9_-]{43})$'
);
const COURSE = /^[A-Za-z0-9-][A-Za-z0-9_-]{0,63}$/;
// One or more segments: none empty, '.' or '..'; no backslash, no control character.
const SEGMENT = '(?!\\.\\.?(?:/|$))[^/\\\\\\x00-\\x1f\\x7f-\\x9f]+';
const CLEAN_REST = new RegExp('^' + SEGMENT + '(?:/' + SEGMENT + ')*$');
// %2F, %5C, %2E and %25 read differently to a layer that decodes twice.
const ENCODED_SEPARATOR = /%(?:2[fFeE5]|5[cC])/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const SECONDS = /^(?:0|[1-9][0-9]{0,10})$/;

// CloudFront documents its response headers policy for cached and origin responses only, so
// a refusal carries its own CORS header: any page may read that it was refused (and nothing
// else; it has no body), so that a player can tell a refusal from a network error.
function deny(status) {
    const forbidden = status === 403;
    const error = forbidden ? 'insufficient_scope' : 'invalid_token';
    return {
        statusCode: status,
        statusDescription: forbidden ? 'Forbidden' : 'Unauthorized',
        headers: {
            'www-authenticate': { value: 'Bearer realm="content", error="' + error + '"' },
            'cache-control': { value: 'no-store' },
            'access-control-allow-origin': { value: '*' }
        }
    };
}

// The course /courses/<course>/<rest> is in, or null (refused): the rest, decoded once, is
// clean, and nothing in it is encoded that a second decoding would read differently.
function courseOf(uri) {
    if (!uri.startsWith('/courses/')) {
        return null;
    }
    const slash = uri.indexOf('/', 9);
    if (slash < 0) {
        return null;
    }
    const course = uri.slice(9, slash);
    let rest = uri.slice(slash + 1);
    if (!COURSE.test(course)) {
        return null;
    }
    if (rest.indexOf('%') >= 0) {
        if (ENCODED_SEPARATOR.test(rest)) {
            return null;
        }
        rest = decodeURIComponent(rest); // throws on a bad escape, or escapes not UTF-8
    }
    return CLEAN_REST.test(rest) ? course : null;
}

// The grant and object URI of a /g/ URI, or null.
function parse(uri) {
    if (typeof uri !== 'string' || uri.length > MAX_URI_LENGTH ||
        !PRINTABLE_ASCII.test(uri) || !uri.startsWith('/g/')) {
        return null;
    }
    const end = uri.indexOf('/', 3);
    if (end < 0 || end - 3 > MAX_GRANT_LENGTH) {
        return null;
    }
    const text = uri.slice(3, end);
    const fields = text.match(GRANT);
    if (fields === null) {
        return null;
    }
    return {
        kid: fields[1],
        sub: fields[2],
        course: fields[3],
        issued: Number(fields[4]),
        expires: Number(fields[5]),
        signed: text.slice(0, text.lastIndexOf('.')),
        mac: fields[6],
        target: uri.slice(end)
    };
}

// The secret of a k:<kid> entry whose grants are accepted at now, or null.
function acceptedSecret(value, now) {
    const record = JSON.parse(value);
    if (typeof record !== 'object' || record === null || Array.isArray(record) ||
        typeof record.secret !== 'string' || !SECRET.test(record.secret) ||
        (record.status !== 'current' && record.status !== 'previous')) {
        return null;
    }
    const notAfter = record.notAfter;
    if (notAfter !== undefined && notAfter !== null &&
        (!Number.isSafeInteger(notAfter) || now >= notAfter)) {
        return null;
    }
    return record.secret;
}

// Compares two strings of equal length in time that does not depend on where they differ.
function sameText(a, b) {
    if (a.length !== b.length) {
        return false;
    }
    let difference = 0;
    for (let i = 0; i < a.length; i++) {
        difference |= a.codePointAt(i) ^ b.codePointAt(i);
    }
    return difference === 0;
}

async function handler(event) {
    try {
        const request = event.request;
        const grant = parse(request.uri);
        const course = grant === null ? null : courseOf(grant.target);
        if (course === null) {
            return deny(401);
        }
        const now = Math.floor(Date.now() / 1000);
        // get() rejects for a missing key and for an unreadable store alike: both refuse.
        const kvs = cf.kvs();
        const secret = acceptedSecret(await kvs.get('k:' + grant.kid), now);
        if (secret === null) {
            return deny(401);
        }
        const mac = crypto.createHmac('sha256', secret).update(grant.signed).digest('base64url');
        if (!sameText(mac, grant.mac)) {
            return deny(401);
        }
        if (!(grant.issued < grant.expires && grant.expires <= grant.issued + MAX_LIFETIME) ||
            grant.issued > now + CLOCK_SKEW || now >= grant.expires) {
            return deny(401);
        }
        if (course !== grant.course) {
            return deny(403);
        }
        // exists() tells a missing revocation (false) from an unreadable store (rejects):
        // a store that cannot be read never passes for one without revocations.
        const revocations = ['r:' + grant.sub + ':' + grant.course, 'r:' + grant.sub];
        for (let i = 0; i < revocations.length; i++) {
            if (await kvs.exists(revocations[i])) {
                const revokedAt = await kvs.get(revocations[i]);
                if (!SECONDS.test(revokedAt) || grant.issued <= Number(revokedAt)) {
                    return deny(403);
                }
            }
        }
        request.uri = grant.target;
        return request;
    } catch (error) {
        return deny(401);
    }
}
