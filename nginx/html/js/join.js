// Accepting an invitation to an organisation (rule E13): the invited
// mobile, the code sent to it (or a new one), a password; then logged in
// as the member, at its console.
import { $, get, post, session, busy, clearErrors, showError, ROLE_HOME } from "./lib.js";

const form = $("#accept");

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const btn = form.querySelector("button[type=submit]");
  busy(btn, form, async () => {
    const name = $("#name").value.trim();
    const r = await post("/api/signup/accept", { mobile: $("#mobile").value.trim(), code: $("#code").value.trim(),
      password: $("#password").value, ...(name ? { name } : {}) });
    const me = await get("/api/me");
    session.save({ ...r, certification: me.certification, org_name: me.org_name });
    location.href = me.certification && me.certification.certified ? ROLE_HOME[r.role] : "/org.html";
  });
});

$("#resend").addEventListener("click", async () => {
  clearErrors(form);
  try {
    const r = await post("/api/signup/resend", { mobile: $("#mobile").value.trim() });
    $("#resent").textContent = `如有待接受的邀请，新的验证码已发送至 ${r.mobile}。`;
  } catch (e) { showError(form, e); }
});

$("#mobile").focus();
