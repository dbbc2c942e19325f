// Login for every role: POST /api/session; the CSRF token and the role stay
// in sessionStorage (the session itself is an HttpOnly cookie), then on to
// the page asked for or the role's own console.
import { $, post, session, ROLE_HOME, showError, busy } from "./lib.js";

const form = $("#login");
form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const btn = form.querySelector("button[type=submit]");
  busy(btn, form, async () => {
    const r = await post("/api/session", { login: $("#login-name").value.trim(), password: $("#password").value });
    session.save(r);
    const next = new URLSearchParams(location.search).get("next") || "";
    // only a path of this site (never another origin)
    // an organisation not certified yet goes to its own page first (E9)
    const home = r.certification && !r.certification.certified ? "/org.html" : ROLE_HOME[r.role];
    location.href = /^\/[^/\\]/.test(next) ? next : home || "/";
  });
});
$("#login-name").focus();
