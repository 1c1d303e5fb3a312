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

// <video> and links cannot send an Authorization header: the token also goes in a cookie,
// which the browser sends to the content domain (here, the same host on another port).
function rememberToken(token) {
  sessionStorage.setItem("idToken", token);
  document.cookie = `${config.cookieName}=${token}; path=/; SameSite=Strict`;
}

function forgetToken() {
  sessionStorage.removeItem("idToken");
  document.cookie = `${config.cookieName}=; path=/; max-age=0; SameSite=Strict`;
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

async function openItem(contentId) {
  const item = await api(`/content/${contentId}`);
  $("viewer").hidden = false;
  $("viewer-title").textContent = item.title;
  for (const id of ["player", "quiz", "document-link"]) $(id).hidden = true;
  if (item.type === "video") {
    const player = $("player");
    player.hidden = false;
    player.src = item.url; // the URL carries its own grant: no header, no cookie needed
    player.load();
    showStatus(`Loading ${item.url}`);
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
