// Demo of the product: sign in through managed login (authorization code with PKCE), list the
// courses you may read through the Content Delivery API (GET /courses), open each item from the
// CloudFront URL the API answers, keep the tokens fresh, and sign out for real. Plain JavaScript.
//
// config.json: apiUrl, authUrl (the managed-login domain), clientId, contentUrl (CloudFront),
// scope. The page's own URL with a trailing "/" is the client's callback and sign-out URL.
"use strict";

const $ = (id) => document.getElementById(id);
let config;

// Everything the page keeps lives in sessionStorage (this tab only, gone when it closes):
// these, and a "notice" shown once after a navigation. Nothing in localStorage or cookies.
const SESSION_KEYS = ["idToken", "refreshToken", "oauthState", "pkceVerifier"];
const stored = (key) => sessionStorage.getItem(key);
const redirectUri = () => location.origin + "/";

/** The refresh token is spent or revoked, or the API still refuses a fresh token. */
class SessionEnded extends Error {
  constructor() {
    super("Your session has ended. Please sign in again.");
  }
}
/** The answer from managed login cannot be trusted or says sign-in failed: no token exchange. */
class SignInRefused extends Error {}
/** An API answer other than 2xx. */
class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function showStatus(message, isError = false) {
  $("status").textContent = message;
  $("status").className = isError ? "error" : "";
}

// ---------------------------------------------------------------- sign-in (PKCE) --

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// 48 random bytes give 64 base64url characters: a PKCE verifier must have 43 to 128.
const randomString = () => base64url(crypto.getRandomValues(new Uint8Array(48)));

async function s256(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

async function startSignIn() {
  const verifier = randomString();
  const state = randomString();
  sessionStorage.setItem("pkceVerifier", verifier);
  sessionStorage.setItem("oauthState", state);
  const query = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: config.scope,
    state,
    code_challenge: await s256(verifier),
    code_challenge_method: "S256",
  });
  location.assign(`${config.authUrl}/oauth2/authorize?${query}`);
}

// Managed login came back with ?code&state (or ?error). The state must be the one this tab
// sent: anything else may be an attacker's code planted in our callback (login CSRF), so it is
// refused before any token request.
async function finishSignIn(params) {
  const expected = stored("oauthState");
  const verifier = stored("pkceVerifier");
  sessionStorage.removeItem("oauthState");
  sessionStorage.removeItem("pkceVerifier");
  // The code is single-use: keep it out of the address bar, history and a reload.
  history.replaceState(null, "", location.pathname);
  if (!expected || params.get("state") !== expected) {
    throw new SignInRefused("Sign-in refused: the answer did not come from the sign-in this page started. Please sign in again.");
  }
  if (params.has("error")) {
    throw new SignInRefused(`Sign-in did not complete (${params.get("error_description") || params.get("error")}).`);
  }
  keepTokens(await tokenEndpoint("/oauth2/token", {
    grant_type: "authorization_code",
    code: params.get("code"),
    redirect_uri: redirectUri(),
    code_verifier: verifier,
  }));
}

// ---------------------------------------------------------------- tokens --

// A form POST (a CORS "simple" request, no preflight) to the managed-login domain.
async function tokenEndpoint(path, fields) {
  const response = await fetch(config.authUrl + path, {
    method: "POST",
    body: new URLSearchParams({ client_id: config.clientId, ...fields }),
  });
  if (response.ok) return path === "/oauth2/token" ? response.json() : null;
  const body = await response.json().catch(() => ({}));
  if (body.error === "invalid_grant") throw new SessionEnded();
  throw new Error(`The sign-in service answered ${body.error || response.status}. Try again later.`);
}

// The page reads claims for display and timing only; the API and CloudFront verify tokens.
function claimsOf(jwt) {
  const binary = atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}

let refreshTimer;
let refreshing = null;
// Bumped when a session ends, so that a refresh answered after sign-out stores nothing.
let generation = 0;

function keepTokens(answer) {
  sessionStorage.setItem("idToken", answer.id_token);
  // With rotation each refresh answers a new refresh token and spends the one sent: keep the
  // new one. (Without rotation Cognito answers none, and the one we have stays valid.)
  if (answer.refresh_token) sessionStorage.setItem("refreshToken", answer.refresh_token);
  scheduleRefresh();
}

// Refresh ahead of the ID token's expiry: a minute early, or a fifth of its life if shorter.
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const { iat, exp } = claimsOf(stored("idToken"));
  const at = (exp - Math.min(60, (exp - iat) / 5)) * 1000;
  refreshTimer = setTimeout(() => refreshTokens().catch(problem), Math.max(0, at - Date.now()));
}

// One refresh at a time: with rotation, a second request carrying the same refresh token would
// be refused (invalid_grant) and would end a session that is fine.
function refreshTokens() {
  const refreshToken = stored("refreshToken");
  if (!refreshToken) return Promise.reject(new SessionEnded());
  const started = generation;
  refreshing ??= tokenEndpoint("/oauth2/token", { grant_type: "refresh_token", refresh_token: refreshToken })
    .then((answer) => {
      if (started !== generation) throw new SessionEnded();
      keepTokens(answer);
    })
    .finally(() => { refreshing = null; });
  return refreshing;
}

// ---------------------------------------------------------------- the API --

// The API's Cognito authorizer takes the raw ID token in Authorization (no "Bearer").
// A 401 is retried once with fresh tokens: a timer may not have fired (a sleeping laptop,
// a throttled background tab).
async function api(path, retried = false) {
  const token = stored("idToken");
  const response = await fetch(config.apiUrl + path, { headers: { Authorization: token } });
  if (response.status === 401) {
    if (retried) throw new SessionEnded();
    if (stored("idToken") === token) await refreshTokens(); // else the timer already did
    return api(path, true);
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, body.message);
  return body;
}

// Only URLs on the configured CloudFront domain go into the page's player, links and fetches.
function contentUrl(url) {
  if (!url.startsWith(config.contentUrl + "/")) throw new Error("The API answered a URL outside the content domain.");
  return url;
}

// What a learner is told. A 403 is about the course, not the session.
function explain(error) {
  if (!(error instanceof ApiError)) return error.message;
  if (error.status === 403) return "You are not enrolled in this course.";
  if (error.status === 404) return "This item is no longer available.";
  return `The course service answered ${error.status}. Try again later.`;
}

// ---------------------------------------------------------------- the page --

function itemButton(item) {
  const button = document.createElement("button");
  button.textContent = `${item.title} (${item.type})`;
  button.dataset.contentId = item.contentId;
  button.addEventListener("click", () => openItem(item.contentId).catch(problem));
  const entry = document.createElement("li");
  entry.append(button);
  return entry;
}

// Every course this user may read, page by page (GET /courses answers at most 100 a page).
async function readableCourses() {
  const courses = [];
  let path = "/courses?limit=100";
  for (;;) {
    const page = await api(path);
    courses.push(...page.courses);
    if (!page.next) return courses;
    path = `/courses?limit=100&next=${encodeURIComponent(page.next)}`;
  }
}

// A course's items; null for a course that has a record but no content yet (404).
async function courseContent(courseId) {
  try {
    return await api(`/courses/${encodeURIComponent(courseId)}/content`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

// The course section is shown once the API has answered: a session that has ended goes back
// to sign-in without ever showing an empty course list.
async function showCourses() {
  const courses = await readableCourses();
  const entries = [];
  for (const course of courses) {
    const listing = await courseContent(course.courseId);
    if (listing === null) continue; // a course with nothing published yet
    const heading = document.createElement("li");
    heading.className = "course";
    heading.textContent = course.courseId;
    entries.push(heading, ...listing.items.map(itemButton));
  }
  const claims = claimsOf(stored("idToken"));
  $("who").textContent = `${claims.email} (${(claims["cognito:groups"] || []).join(", ") || "no group"})`;
  $("items").replaceChildren(...entries);
  $("no-courses").hidden = courses.length > 0;
  $("sign-in").hidden = true;
  $("sign-out").hidden = false;
  $("course").hidden = false;
}

const HLS_PLAYLIST = "application/vnd.apple.mpegurl";
let hls = null; // the hls.js player of the HLS item on show, if any

// An HLS item plays with hls.js where the browser has Media Source Extensions, natively
// where it plays HLS itself (Safari on iOS); a single file with <video src>. Either way the
// URL (and every segment URL relative to it) carries the grant: no header, no cookie.
function stopPlayer() {
  if (hls) {
    hls.destroy();
    hls = null;
  }
  $("player").pause();
  $("player").removeAttribute("src");
}

function play(item) {
  const player = $("player");
  player.hidden = false;
  if (item.contentType === HLS_PLAYLIST && window.Hls && Hls.isSupported()) {
    hls = new Hls();
    hls.on(Hls.Events.ERROR, (_, data) => {
      // A fatal error names the file that failed (a playlist or segment) when it was a load.
      if (data.fatal) explainPlayerError(data.url || item.url).then((message) => showStatus(message, true));
    });
    hls.loadSource(item.url);
    hls.attachMedia(player);
    player.dataset.player = "hls.js";
  } else if (item.contentType === HLS_PLAYLIST && !player.canPlayType(HLS_PLAYLIST)) {
    showStatus("This browser cannot play HLS.", true);
    return;
  } else {
    player.src = item.url;
    player.load();
    player.dataset.player = item.contentType === HLS_PLAYLIST ? "native" : "file";
  }
  showStatus(`Loading ${item.url}`);
}

// Opening an item first takes the previous one off the page, so that no failure leaves it on
// show; an item the API no longer has means the list is stale, so the courses are listed again
// (and the list emptied if that fails too) before the failure is told.
async function openItem(contentId) {
  clearViewer();
  try {
    await showItem(await api(`/content/${contentId}`));
  } catch (error) {
    clearViewer();
    if (error instanceof ApiError && error.status === 404) {
      await showCourses().catch((listError) => {
        $("items").replaceChildren();
        throw listError;
      });
    }
    throw error;
  }
}

async function showItem(item) {
  contentUrl(item.url);
  $("viewer").hidden = false;
  $("viewer-title").textContent = item.title;
  if (item.type === "video") {
    play(item);
  } else if (item.type === "quiz") {
    // The URL carries its grant: a plain cross-origin GET, which CloudFront answers with CORS.
    const response = await fetch(item.url);
    if (!response.ok) throw new Error(`The quiz could not be loaded (${response.status}).`);
    const quiz = await response.json();
    const list = $("quiz");
    list.replaceChildren(...quiz.questions.map((q) => {
      const entry = document.createElement("li");
      entry.textContent = `${q.question} — ${q.choices.join(" / ")}`;
      return entry;
    }));
    list.hidden = false;
    showStatus(`Quiz loaded: ${response.status}`);
  } else {
    const link = $("document-link");
    link.href = item.url;
    link.hidden = false;
    showStatus("The document opens through CloudFront with the grant in its URL.");
  }
}

// A <video> error does not say why. Ask CloudFront for the file's headers: 401/403 is a
// refusal; a file that was served and still fails is one this browser cannot play.
async function explainPlayerError(url) {
  let status;
  try {
    status = (await fetch(url, { method: "HEAD" })).status;
  } catch {
    return "The video could not be reached. Check your connection and try again.";
  }
  if (status === 401 || status === 403) {
    return "The video was refused: its link has expired or you are not enrolled. Open it again from the list.";
  }
  if (status < 400) return "The video was delivered but cannot be played in this browser (the file may be damaged).";
  return `The video could not be loaded (${status}).`;
}

// Take whatever the viewer shows off the page: the player stopped and emptied, the quiz, the link.
function clearViewer() {
  stopPlayer();
  $("player").load(); // drops the media already buffered
  $("quiz").replaceChildren();
  $("document-link").removeAttribute("href");
  $("viewer-title").textContent = "";
  for (const id of ["viewer", "player", "quiz", "document-link"]) $(id).hidden = true;
}

// Forget everything the signed-in user had: tokens, the course list, what the viewer shows.
function clearSession() {
  generation += 1;
  clearTimeout(refreshTimer);
  for (const key of SESSION_KEYS) sessionStorage.removeItem(key);
  $("items").replaceChildren();
  clearViewer();
  $("who").textContent = "";
  for (const id of ["course", "no-courses", "sign-out"]) $(id).hidden = true;
}

function showSignIn(message = "") {
  $("sign-in").hidden = false;
  $("sign-in-message").textContent = message;
  $("sign-in-message").className = message ? "error" : "";
}

function problem(error) {
  if (error instanceof SessionEnded || error instanceof SignInRefused) {
    clearSession();
    showSignIn(error.message);
  } else {
    showStatus(explain(error), true);
  }
}

// Refuse every content URL the API gave this user so far, at every edge location: POST
// /me/revoke with the ID token the page held (their grants are revoked, not their tokens).
async function revokeGrants(idToken) {
  const response = await fetch(`${config.apiUrl}/me/revoke`, {
    method: "POST",
    headers: { Authorization: idToken },
  });
  if (!response.ok) throw new ApiError(response.status, "The content links were not revoked.");
}

// Revoke the content URLs already issued (their grants), then the refresh token (and the
// tokens issued from it, for Cognito's own APIs), then end the managed-login session, which
// comes back to this page signed out. The page is cleared first, and signs out whatever fails
// on the way, saying what did (after the navigation too). ID tokens already issued stay
// valid until they expire: a JWT check cannot see a revocation.
async function signOut() {
  const idToken = stored("idToken");
  const refreshToken = stored("refreshToken");
  clearSession();
  showStatus("Signing out…");
  const failed = [];
  if (idToken) {
    await revokeGrants(idToken).catch(() => {
      failed.push("the content links it opened could not be revoked (they stay valid until they expire)");
    });
  }
  if (refreshToken) {
    await tokenEndpoint("/oauth2/revoke", { token: refreshToken }).catch(() => {
      failed.push("the sign-in service did not confirm that the session was revoked");
    });
  }
  if (failed.length > 0) {
    const notice = `Signed out on this page, but ${failed.join(", and ")}.`;
    sessionStorage.setItem("notice", notice);
    showStatus(notice, true);
  }
  const query = new URLSearchParams({ client_id: config.clientId, logout_uri: redirectUri() });
  location.assign(`${config.authUrl}/logout?${query}`);
}

async function loadConfig() {
  const response = await fetch("config.json");
  if (!response.ok) throw new Error(`The page's settings could not be loaded (${response.status}). Reload the page.`);
  return response.json();
}

// Sign in is disabled in the HTML until this has its settings and its handler: a click that
// could do nothing is never offered.
async function main() {
  config = await loadConfig();
  $("player").addEventListener("loadeddata", () => showStatus("Video playing from the private bucket."));
  $("player").addEventListener("error", () => {
    const url = $("player").currentSrc;
    if (url) explainPlayerError(url).then((message) => showStatus(message, true));
  });
  $("sign-in-button").addEventListener("click", () => startSignIn().catch(problem));
  $("sign-in-button").disabled = false;
  $("sign-out").addEventListener("click", () => signOut().catch(problem));

  const params = new URLSearchParams(location.search);
  if (params.has("code") || params.has("error")) await finishSignIn(params);
  if (!stored("idToken")) { // signed out: nothing on show to clear
    showSignIn(stored("notice") || "");
    sessionStorage.removeItem("notice");
    return;
  }
  // After a reload the ID token may have expired: the timer then refreshes at once, and the
  // API's 401 waits for that same refresh.
  scheduleRefresh();
  await showCourses();
}

main().catch(problem);
