// Local demo of the product: sign in with Cognito, list the courses you may read through the
// Content Delivery API (GET /courses), and open each item through the (local) CloudFront
// distribution. Plain JavaScript.
"use strict";

const $ = (id) => document.getElementById(id);
let config;

function showStatus(message, isError = false) {
  $("status").textContent = message;
  $("status").className = isError ? "error" : "";
}

// Cognito's InitiateAuth, called from the browser (no SDK): USER_PASSWORD_AUTH.
async function signIn(email, password) {
  const response = await fetch(config.cognitoEndpoint + "/", {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
    },
    body: JSON.stringify({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: config.clientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  });
  const body = await response.json();
  if (!response.ok || !body.AuthenticationResult) {
    throw new Error(body.message || "sign-in failed");
  }
  return body.AuthenticationResult.IdToken;
}

// No cookie: every content URL the API answers carries its own grant, in its path.
function rememberToken(token) {
  sessionStorage.setItem("idToken", token);
}

function forgetToken() {
  sessionStorage.removeItem("idToken");
}

function token() {
  return sessionStorage.getItem("idToken");
}

async function api(path) {
  const response = await fetch(config.apiUrl + path, { headers: { Authorization: token() } });
  const body = await response.json();
  if (!response.ok) throw new Error(`${response.status} ${body.message}`);
  return body;
}

function claimsOf(jwt) {
  const payload = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(payload));
}

function itemButton(item) {
  const button = document.createElement("button");
  button.textContent = `${item.title} (${item.type})`;
  button.dataset.contentId = item.contentId;
  button.addEventListener("click", () => openItem(item.contentId).catch((e) => showStatus(e.message, true)));
  const entry = document.createElement("li");
  entry.append(button);
  return entry;
}

async function showCourses() {
  const claims = claimsOf(token());
  $("who").textContent = `${claims.email} (${(claims["cognito:groups"] || []).join(", ") || "no group"})`;
  $("sign-in").hidden = true;
  $("sign-out").hidden = false;
  $("course").hidden = false;
  const { courses } = await api("/courses"); // only the courses this user may read
  $("no-courses").hidden = courses.length > 0;
  const list = $("items");
  list.replaceChildren();
  for (const course of courses) {
    const listing = await api(`/courses/${course.courseId}/content`);
    const heading = document.createElement("li");
    heading.className = "course";
    heading.textContent = course.courseId;
    list.append(heading, ...listing.items.map(itemButton));
  }
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
      if (data.fatal) showStatus(`The stream was refused (${data.details}).`, true);
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

async function openItem(contentId) {
  const item = await api(`/content/${contentId}`);
  $("viewer").hidden = false;
  $("viewer-title").textContent = item.title;
  for (const id of ["player", "quiz", "document-link"]) $(id).hidden = true;
  stopPlayer();
  if (item.type === "video") {
    play(item);
  } else if (item.type === "quiz") {
    // fetch() can send the header; CloudFront answers the CORS preflight for this origin.
    const response = await fetch(item.url, { headers: { Authorization: `Bearer ${token()}` } });
    if (!response.ok) throw new Error(`quiz: ${response.status}`);
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

async function main() {
  config = await (await fetch("config.json")).json();
  $("player").addEventListener("loadeddata", () => showStatus("Video playing from the private bucket."));
  $("player").addEventListener("error", () => showStatus("The video was refused (signed out?).", true));
  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("sign-in-error").textContent = "";
    try {
      rememberToken(await signIn($("email").value, $("password").value));
      await showCourses();
    } catch (e) {
      $("sign-in-error").textContent = e.message;
    }
  });
  $("sign-out").addEventListener("click", () => {
    forgetToken();
    $("who").textContent = "";
    $("sign-out").hidden = true;
    $("course").hidden = true;
    $("sign-in").hidden = false;
    showStatus("Signed out: the content is no longer reachable.");
  });
  if (token()) await showCourses().catch(() => forgetToken());
}

main().catch((e) => showStatus(e.message, true));
