// Joining by oneself (rule E9): the signup form (kind, mobile, password,
// contact name), then the 6-digit code sent to the mobile, with a resend
// button that waits out the minute between two codes; a confirmed mobile
// is logged in at once and goes to its organisation's page to certify.
import { $, post, session, busy, clearErrors, showError } from "./lib.js";

const signup = $("#signup"), verify = $("#verify"), resend = $("#resend");
let mobile = "", timer = 0;

function waitResend(seconds) {
  clearInterval(timer);
  let left = seconds;
  resend.disabled = true;
  const tick = () => {
    resend.textContent = left > 0 ? `重新发送（${left} 秒）` : "重新发送";
    resend.disabled = left > 0;
    if (left-- <= 0) clearInterval(timer);
  };
  tick();
  timer = setInterval(tick, 1000);
}

signup.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const btn = signup.querySelector("button[type=submit]");
  busy(btn, signup, async () => {
    const kind = signup.querySelector("input[name=kind]:checked").value;
    mobile = $("#mobile").value.trim();
    const r = await post("/api/signup", { kind, mobile, password: $("#password").value, name: $("#name").value.trim() });
    $("#step-signup").hidden = true;
    $("#step-code").hidden = false;
    $("#sent-to").textContent = `验证码已发送至 ${r.mobile}（如该手机号已注册，将收到提示短信，请直接登录）。`;
    waitResend(r.resend_in);
    $("#code").focus();
  });
});

verify.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const btn = verify.querySelector("button[type=submit]");
  busy(btn, verify, async () => {
    const r = await post("/api/signup/verify", { mobile, code: $("#code").value.trim() });
    session.save({ ...r, certification: { certified: false } });
    location.href = "/org.html#/certify";
  });
});

resend.addEventListener("click", async () => {
  clearErrors(verify);
  try {
    const r = await post("/api/signup/resend", { mobile });
    $("#sent-to").textContent = `新的验证码已发送至 ${r.mobile}。`;
    waitResend(r.resend_in);
  } catch (e) { showError(verify, e); }
});

$("#mobile").focus();
