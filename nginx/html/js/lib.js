// lib.js - what every page shares: the JSON API client (cookie session,
// X-CSRF-Token on writes), errors shown in plain Chinese next to the field
// or action they concern, money (integer fen, rule M1), dates in
// Asia/Shanghai (rule T1), the site header, and small DOM helpers.
// No framework, no inline script or style (the CSP forbids both).

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

// el("a", {href: "/"}, "text", child…): attributes set one by one, text
// as text nodes only (never HTML strings). on* functions become listeners.
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
    else if (k === "class") e.className = v;
    else if (v === true) e.setAttribute(k, "");
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

// ---- money (rule M1): fen are integers, shown as yuan with two decimals
export function yuan(fen) {
  if (fen === null || fen === undefined) return "—";
  const neg = fen < 0, abs = Math.abs(fen);
  const whole = Math.floor(abs / 100).toLocaleString("zh-CN");
  const cents = String(abs % 100).padStart(2, "0");
  return (neg ? "-¥" : "¥") + whole + "." + cents;
}

// "1,234.5" → 123450 fen, exactly (no floating point); null when not money.
export function toFen(text) {
  const s = String(text ?? "").replace(/[,，\s¥]/g, "");
  const m = /^(\d{1,13})(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || "").padEnd(2, "0"));
}

// fen → "1234.50" for an input's value
export function fenInput(fen) {
  if (fen === null || fen === undefined) return "";
  return Math.floor(fen / 100) + "." + String(fen % 100).padStart(2, "0");
}

// ---- time (rule T1): instants in UTC from the API, shown in Beijing time
const dtf = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric",
  month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
export function when(iso) {
  if (!iso) return "—";
  return dtf.format(new Date(iso)).replace(/\//g, "-");
}
// an instant as the exact end of a voucher's validity (rule O6), in Beijing
// time to the minute, the same words as the printed commitment form:
// "2026年12月31日 00:27" (the voucher expires at that instant, not at the
// end of the day)
export function untilText(iso) {
  if (!iso) return "—";
  const d = new Date(new Date(iso).getTime() + 8 * 3600e3);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}年${p(d.getUTCMonth() + 1)}月${p(d.getUTCDate())}日 ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}
// today's business date in Asia/Shanghai, "YYYY-MM-DD"
export function today(offsetDays = 0) {
  const d = new Date(Date.now() + 8 * 3600e3 + offsetDays * 86400e3);
  return d.toISOString().slice(0, 10);
}
// "1天 03:04:05" until iso, or null once past
export function countdown(iso, now = Date.now()) {
  let s = Math.floor((new Date(iso).getTime() - now) / 1000);
  if (s <= 0) return null;
  const d = Math.floor(s / 86400); s %= 86400;
  const hms = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60]
    .map((n) => String(n).padStart(2, "0")).join(":");
  return (d ? d + " 天 " : "") + hms;
}

// Issue 16: a stage clock {name, deadline, seconds_left, who} as a live
// countdown (tick() of the page refreshes .countdown[data-deadline]).
export const WHO_NAME = { enterprise: "企业", provider: "服务机构", reviewer: "评审机构", bureau: "市经信局" };
export function clockCell(c) {
  if (!c) return "—";
  const who = WHO_NAME[c.who] || "";
  if (!c.deadline) return el("span", { class: "clock" }, `${c.name}（待${who}办理）`);
  return el("span", { class: "clock" }, `${c.name}（${who}）：`,
    el("span", { class: "countdown", "data-deadline": c.deadline }, countdown(c.deadline) ? "剩余 " + countdown(c.deadline) : "已超时"));
}
// Refreshes every countdown of the page each second.
let clockTimer = 0;
export function tickClocks() {
  const tick = () => {
    for (const c of $$(".countdown[data-deadline]")) {
      const left = countdown(c.dataset.deadline);
      c.textContent = left ? "剩余 " + left : "已超时";
      c.classList.toggle("urgent", !left || new Date(c.dataset.deadline) - Date.now() < 6 * 3600e3);
    }
  };
  clearInterval(clockTimer); tick(); clockTimer = setInterval(tick, 1000);
}

export const ORDER_STATUS = {
  pending: "待接单", accepted: "已接单", contracted: "已签约", submitted: "待初审",
  approved: "初审通过", publicized: "公示中", paid: "已兑付", cancelled: "已取消",
  expired: "已过期作废", rejected: "初审不通过", refunded: "已退款", revoked: "已撤销",
};
export const ROLE_NAME = { enterprise: "企业", provider: "服务机构", reviewer: "评审机构", bureau: "市经信局" };
export const ROLE_HOME = { enterprise: "/ent.html", provider: "/prov.html", reviewer: "/review.html", bureau: "/bureau.html" };
export const TIER_NAME = { ordinary: "普通中小企业", specialized: "专精特新", little_giant: "小巨人" };

export function badge(status, names = ORDER_STATUS) {
  return el("span", { class: "badge st-" + status }, names[status] || status);
}

// ---- the API ------------------------------------------------------------
export class ApiError extends Error {
  constructor(status, code, message, field, errors) {
    super(message); this.status = status; this.code = code; this.field = field; this.errors = errors || [];
  }
}

const MESSAGES = {
  0: "网络连接失败，请检查网络后重试",
  401: "登录已过期，请重新登录",
  403: "当前账号无权进行此操作",
  404: "请求的内容不存在",
  413: "文件或内容过大",
  429: "操作过于频繁，请稍后再试",
  500: "系统繁忙，请稍后再试",
  503: "服务暂不可用，请稍后再试",
};

export const session = {
  get csrf() { return sessionStorage.getItem("csrf") || ""; },
  get role() { return sessionStorage.getItem("role") || ""; },
  get name() { return sessionStorage.getItem("org_name") || sessionStorage.getItem("login") || ""; },
  // E9, E13: whether the organisation is certified, and the member's role
  get certified() { return sessionStorage.getItem("certified") !== "0"; },
  get memberRole() { return sessionStorage.getItem("member_role") || "admin"; },
  save(r) {
    sessionStorage.setItem("csrf", r.csrf_token);
    sessionStorage.setItem("role", r.role);
    sessionStorage.setItem("login", r.login || "");
    sessionStorage.setItem("org_name", r.org_name || "");
    sessionStorage.setItem("certified", r.certification && !r.certification.certified ? "0" : "1");
    sessionStorage.setItem("member_role", r.member_role || "admin");
  },
  clear() { for (const k of ["csrf", "role", "login", "org_name", "certified", "member_role"]) sessionStorage.removeItem(k); },
};

// api("GET", "/api/…") → parsed JSON; throws ApiError with a Chinese message.
export async function api(method, path, body, headers = {}) {
  const h = { Accept: "application/json", ...headers };
  const init = { method, headers: h, credentials: "same-origin" };
  if (method !== "GET" && method !== "HEAD") h["X-CSRF-Token"] = session.csrf;
  if (body !== undefined) { h["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
  let r;
  try { r = await fetch(path, init); } catch { throw new ApiError(0, "network", MESSAGES[0]); }
  let data = null;
  try { data = await r.json(); } catch { data = null; }
  if (!r.ok) {
    const e = data && data.error;
    if (r.status === 401 && session.role) { session.clear(); }
    throw new ApiError(r.status, e ? e.code : "http_" + r.status,
      (e && e.message) || MESSAGES[r.status] || MESSAGES[r.status >= 500 ? 500 : 404], e ? e.field : undefined,
      e && Array.isArray(e.errors) ? e.errors : []);
  }
  return data;
}
export const get = (p) => api("GET", p);
export const post = (p, b) => api("POST", p, b === undefined ? {} : b);
export const put = (p, b) => api("PUT", p, b);

// PUT a file with a progress callback (0..100); resolves with the JSON reply.
export function upload(path, file, onProgress, type) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open("PUT", path);
    x.setRequestHeader("Content-Type", type || file.type || "application/pdf");
    x.setRequestHeader("X-CSRF-Token", session.csrf);
    x.setRequestHeader("Accept", "application/json");
    x.upload.addEventListener("progress", (ev) => {
      if (ev.lengthComputable) onProgress(Math.round((ev.loaded / ev.total) * 100));
    });
    x.addEventListener("load", () => {
      let data = null;
      try { data = JSON.parse(x.responseText); } catch { data = null; }
      if (x.status >= 200 && x.status < 300) { onProgress(100); resolve(data); return; }
      const e = data && data.error;
      const err = new ApiError(x.status, e ? e.code : "http_" + x.status,
        (e && e.message) || MESSAGES[x.status] || MESSAGES[500], e ? e.field : undefined);
      err.detail = e || null;   // e.g. the rows a list import refused
      reject(err);
    });
    x.addEventListener("error", () => reject(new ApiError(0, "network", MESSAGES[0])));
    x.send(file);
  });
}

// ---- errors next to what they concern ----------------------------------
// Clears the form's previous errors.
export function clearErrors(root) {
  for (const e of $$(".field-err, .form-err", root)) e.textContent = "";
  for (const i of $$("[aria-invalid]", root)) i.removeAttribute("aria-invalid");
}

// Shows err beside its field when the form has it, else in the form's
// (or the action's) message box. Never raw JSON.
export function showError(root, err) {
  const msg = err instanceof ApiError || err instanceof Error ? err.message : String(err);
  if (err && err.status === 401 && !location.pathname.endsWith("/login.html")) {
    toLogin();
    return;
  }
  if (err && err.field && root) {
    const input = root.querySelector(`[name="${CSS.escape(err.field)}"]`);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      const box = document.getElementById(input.id + "-err");
      if (box) { box.textContent = msg; input.focus(); return; }
    }
  }
  const box = (root && root.querySelector(".form-err")) || $("#page-err");
  if (box) box.textContent = msg;
  else alert(msg);
}

// A labelled input with its own error line: field("金额（元）", {name, …})
let fieldSeq = 0;
export function field(label, attrs = {}, hint) {
  const id = attrs.id || "f" + ++fieldSeq + "-" + (attrs.name || "x");
  const tag = attrs.tag || "input";
  const a = { ...attrs, id, "aria-describedby": id + "-err" };
  delete a.tag;
  let input;
  if (tag === "select") {
    const opts = a.options || []; delete a.options;
    input = el("select", a, ...opts.map(([v, t]) => el("option", { value: v, selected: String(attrs.value) === String(v) }, t)));
  } else if (tag === "textarea") {
    const v = a.value; delete a.value;
    input = el("textarea", a); if (v) input.value = v;
  } else input = el("input", a);
  return el("div", { class: "field" },
    el("label", { for: id }, label),
    input,
    hint ? el("small", { class: "hint" }, hint) : null,
    el("span", { class: "field-err", id: id + "-err", role: "alert" }));
}

export function formErr() { return el("p", { class: "form-err", role: "alert" }); }

// Runs fn while the button shows it is busy; errors go to root.
export async function busy(button, root, fn) {
  clearErrors(root);
  button.disabled = true;
  const was = button.textContent;
  button.setAttribute("aria-busy", "true");
  try { return await fn(); }
  catch (e) { showError(root, e); return undefined; }
  finally { button.disabled = false; button.removeAttribute("aria-busy"); button.textContent = was; }
}

// A confirmation in a modal <dialog>; resolves true when confirmed.
// Keyboard (issue 16 §5): the focus starts on 取消, stays in the dialog
// (modal), Escape cancels, and closing returns the focus where it was.
export function confirmDialog(title, text, okLabel = "确认") {
  const back = document.activeElement;
  return new Promise((resolve) => {
    const ok = el("button", { type: "button", class: "danger" }, okLabel);
    const no = el("button", { type: "button" }, "取消");
    const d = el("dialog", { class: "dialog", "aria-labelledby": "dlg-title" },
      el("h2", { id: "dlg-title" }, title), el("p", {}, text), el("div", { class: "actions" }, no, ok));
    const done = (v) => {
      d.close(); d.remove();
      if (back && back.isConnected && typeof back.focus === "function") back.focus();
      resolve(v);
    };
    ok.addEventListener("click", () => done(true));
    no.addEventListener("click", () => done(false));
    d.addEventListener("cancel", (ev) => { ev.preventDefault(); done(false); });
    document.body.append(d);
    d.showModal();
    no.focus();
  });
}

// ---- the header of every page ------------------------------------------
export function toLogin() {
  session.clear();
  location.href = "/login.html?next=" + encodeURIComponent(location.pathname + location.search + location.hash);
}

export function header() {
  const nav = $("#nav");
  if (!nav) return;
  const links = [el("a", { href: "/" }, "服务产品"), el("a", { href: "/publicity.html" }, "兑付公示")];
  if (session.role) {
    if (session.certified) links.push(el("a", { href: ROLE_HOME[session.role] }, (ROLE_NAME[session.role] || "") + "工作台"));
    if (session.role === "enterprise" || session.role === "provider") links.push(el("a", { href: "/org.html" }, "我的机构"));
    const out = el("button", { type: "button", class: "link" }, "退出");
    out.addEventListener("click", async () => {
      try { await api("DELETE", "/api/session"); } catch { /* already gone */ }
      session.clear();
      location.href = "/";
    });
    // issue 16: the in-app inbox, with its unread count, on every console
    const msgs = el("a", { href: "/messages.html", id: "nav-messages" }, "消息");
    links.push(msgs, el("span", { class: "who" }, session.name), out);
    get("/api/notifications/unread").then((r) => {
      if (r.unread > 0) msgs.replaceChildren("消息 ", el("span", { class: "unread-badge", "aria-label": `${r.unread} 条未读` }, String(r.unread)));
    }).catch(() => { /* the page works without it */ });
  } else {
    links.push(el("a", { href: "/login.html" }, "登录"), el("a", { href: "/register.html" }, "注册"));
  }
  nav.replaceChildren(...links);
  for (const a of $$("a", nav)) if (a.getAttribute("href") === location.pathname) a.setAttribute("aria-current", "page");
}

// A page that needs a role: back to the login page when not logged in as it.
export function requireRole(role) {
  if (session.role !== role) { toLogin(); return false; }
  return true;
}

// An enterprise's or provider's console needs a certified organisation
// (E9): before that, its own page (org.html) is the place to be.
export function requireCertified(role) {
  if (!requireRole(role)) return false;
  if (!session.certified) { location.replace("/org.html"); return false; }
  return true;
}

// E13: a viewer reads only.
export const MEMBER_ROLE_NAME = { admin: "管理员", operator: "经办人", viewer: "查看者" };

// Hash routes: route({"orders": fn, "orders/:id": fn}, fallback)
export function router(routes, fallback) {
  const run = () => {
    const h = location.hash.replace(/^#\/?/, "");
    const [path, qs] = h.split("?");
    const parts = path.split("/").filter(Boolean);
    for (const [pat, fn] of Object.entries(routes)) {
      const pp = pat.split("/").filter(Boolean);
      if (pp.length !== parts.length) continue;
      const params = {};
      if (pp.every((p, i) => (p.startsWith(":") ? ((params[p.slice(1)] = decodeURIComponent(parts[i])), true) : p === parts[i]))) {
        params.query = new URLSearchParams(qs || "");
        for (const a of $$(".subnav a")) a.toggleAttribute("aria-current", a.getAttribute("href") === "#/" + pp[0]);
        $("#page-err") && ($("#page-err").textContent = "");
        Promise.resolve(fn(params)).catch((e) => showError(null, e));
        window.scrollTo(0, 0);
        return;
      }
    }
    fallback();
  };
  window.addEventListener("hashchange", run);
  run();
}

// A table wider than its box (a phone) scrolls inside the box, which then
// takes the focus (a named region) so that the arrow keys scroll it too
// (WCAG 2.1.1); a table that fits is no Tab stop.
const wideTables = typeof ResizeObserver === "function" ? new ResizeObserver((seen) => {
  for (const { target: box } of seen) {
    if (!box.isConnected) { wideTables.unobserve(box); continue; }   // a page redrawn
    if (box.scrollWidth > box.clientWidth + 1) {
      box.tabIndex = 0; box.setAttribute("role", "region");
      const h = box.closest("section, .panel, main");
      const name = box.dataset.label || (h && h.querySelector("h2, h3") ? h.querySelector("h2, h3").textContent.trim() : "") || "表格";
      box.setAttribute("aria-label", name + "（可左右滚动）");
    } else {
      box.removeAttribute("tabindex"); box.removeAttribute("role"); box.removeAttribute("aria-label");
    }
  }
}) : null;

export function table(heads, rows, caption) {
  const box = el("div", { class: "table-wrap", "data-label": caption || "" }, el("table", {},
    caption ? el("caption", {}, caption) : null,
    el("thead", {}, el("tr", {}, ...heads.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", {}, c)))))));
  if (wideTables) wideTables.observe(box);
  return box;
}

export function empty(text) { return el("p", { class: "empty" }, text); }

export function pager(r, go) {
  const pages = Math.max(1, Math.ceil(r.total / r.per_page));
  if (pages <= 1) return el("span");
  const prev = el("button", { type: "button", onclick: () => go(r.page - 1) }, "上一页");
  const next = el("button", { type: "button", onclick: () => go(r.page + 1) }, "下一页");
  prev.disabled = r.page <= 1; next.disabled = r.page >= pages;
  return el("nav", { class: "pager", "aria-label": "分页" }, prev, el("span", {}, `${r.page} / ${pages}`), next);
}

// C1 ratings (issue 11): the three aspects' averages of a summary
// {count, quality, timeliness, attitude}, and one rating's stars
export const ASPECT_NAME = { quality: "服务质量", timeliness: "服务时效", attitude: "服务态度" };
export function ratingFacts(summary) {
  return el("div", { class: "facts ratings" }, ...Object.keys(ASPECT_NAME).map((k) => {
    const a = summary[k];
    return el("div", { class: "fact" }, el("b", { class: "stars" }, a.count ? "★ " + a.average.toFixed(2) : "—"),
      el("span", {}, `${ASPECT_NAME[k]}（${a.count} 条）`));
  }));
}
export function starsText(e) {
  return Object.keys(ASPECT_NAME).map((k) => `${ASPECT_NAME[k]} ${"★".repeat(e[k])}${"☆".repeat(5 - e[k])}`).join("　");
}

// A bar of used/total (set through the CSSOM: the CSP allows no style attribute)
export function bar(used, total, label) {
  const pct = total > 0 ? Math.min(100, Math.round((used * 100) / total)) : 0;
  const fill = el("span", { class: "bar-fill" });
  fill.style.width = pct + "%";
  return el("div", { class: "bar", role: "img", "aria-label": label + " " + pct + "%" }, fill);
}

header();
