// journeys.mjs - the website driven in headless Chromium (Debian's
// /usr/bin/chromium through playwright-core) against the stack that
// tests/run.sh started: the journeys, each one test, in order (the first
// five continue one story; journeys 7-9 are issue 12's: joining by
// oneself, a provider's first application, a viewer member; the
// journey_a11y_* ones issue 16 §5's: keyboard alone, a phone, every
// console screen). A journey fails on any browser
// console error, uncaught page error, failed request or HTTP error reply,
// or accessibility violation (axe-core's WCAG 2.1 A/AA rules, run on every
// page state it photographs and every dialog it confirms: checkA11y), and
// saves a screenshot of every page it visits under tests/artifacts/.
// Set-up that is not part of a journey (finding the provider's login,
// moving the injectable clock, rule T2) uses the API directly.
//
//   node tests/browser/journeys.mjs [filter]   → "N passed, N failed"
//   (a journey of the story, 2-5 or 10, runs with the journeys it continues)
import { chromium } from "playwright-core";
import { mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ART = join(HERE, "..", "artifacts");
const BASE = `http://127.0.0.1:${process.env.VOUCHER_PORT || "18080"}`;
const CLOCK = process.env.VOUCHER_CLOCK_FILE || "";
const PASSWORD = "demo-pass-2024";
const PRODUCT_QUERY = "代理记账";       // searched in Chinese (journey 1)
const CATEGORY = "财税审计";
const filter = process.argv[2] || "";
mkdirSync(ART, { recursive: true });

const ctx = {};                          // what one journey hands the next
let current = null;                      // the journey running (its errors are printed when it fails)

// ---- helpers ---------------------------------------------------------------
async function apiLogin(login) {
  for (let i = 0; i < 100; i++) {
    const r = await fetch(BASE + "/api/session", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ login, password: PASSWORD }) });
    if (r.status !== 429) { if (!r.ok) throw new Error(`login ${login}: ${r.status}`); return (await r.json()).token; }
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error("login rate limit never cleared");
}
async function apiGet(path, token) {
  const r = await fetch(BASE + path, { headers: token ? { Authorization: "Bearer " + token } : {} });
  if (!r.ok) throw new Error(`GET ${path}: ${r.status}`);
  return r.json();
}
function setClock(iso) { writeFileSync(CLOCK + ".tmp", iso + "\n"); writeFileSync(CLOCK, iso + "\n"); rmSync(CLOCK + ".tmp"); }
function clearClock() { if (CLOCK && existsSync(CLOCK)) rmSync(CLOCK); }
const shanghaiDate = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);
const fen = (text) => { const m = /([\d,]+)\.(\d\d)/.exec(text); return Number(m[1].replace(/,/g, "")) * 100 + Number(m[2]); };
const yuanInput = (f) => Math.floor(f / 100) + "." + String(f % 100).padStart(2, "0");
function pdf(tag) {
  const body = `%PDF-1.4\n% ${tag} ${Date.now()} ${Math.random()}\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n` +
    "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\n";
  const pad = "%" + "x".repeat(60000) + "\n";  // big enough for progress events
  const head = body + pad;
  const offs = [];
  let pos = head.indexOf("1 0 obj"); offs.push(pos);
  pos = head.indexOf("2 0 obj"); offs.push(pos);
  pos = head.indexOf("3 0 obj"); offs.push(pos);
  const xref = head.length;
  const tail = "xref\n0 4\n0000000000 65535 f \n" + offs.map((o) => String(o).padStart(10, "0") + " 00000 n \n").join("") +
    `trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(head + tail, "latin1");
}

// ---- accessibility (issue 16 §5: GB/T 37668-2019, WCAG 2.1 AA) ----------------
// axe-core runs in the page at every step: Journey.shot (every page state a
// journey photographs) and confirmDialog (every dialog it confirms) call
// checkA11y, so a new step is covered by taking its screenshot. The script
// is served to the page from its own origin by a route of the context (the
// site's CSP allows no inline script) and added with page.addScriptTag.
const AXE_SRC = readFileSync(join(HERE, "node_modules", "axe-core", "axe.min.js"), "utf8");
const AXE_PATH = "/__journeys__/axe.min.js";     // answered by the route only
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
// A genuine false positive: [rule id, the element's selector, why]. None.
const A11Y_EXCLUDE = [];
const journeyOf = new WeakMap();                 // page → its Journey
// Runs axe on the page as it is now; returns one line per violating element:
// "axe <rule> (<impact>) <selector> at <page> [<step>]: <help>".
async function checkA11y(p, label) {
  const url = p.url();
  if (!url.startsWith(BASE)) return [];
  if (!(await p.evaluate(() => typeof window.axe === "object"))) await p.addScriptTag({ url: BASE + AXE_PATH });
  // iframes: false: the only frame of the site shows a claim's PDF in
  // Chromium's own viewer (not our markup); the frame element itself
  // (its title) is checked on the page
  const found = await p.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"], iframes: false });
    return r.violations.flatMap((v) => v.nodes.map((n) => ({ id: v.id, impact: v.impact, help: v.help,
      target: n.target.join(" "), summary: (n.failureSummary || "").replace(/\s+/g, " ") })));
  }, AXE_TAGS);
  const where = new URL(url), page = where.pathname + where.search + where.hash;
  const lang = await p.evaluate(() => document.documentElement.lang);
  if (lang !== "zh-CN") found.push({ id: "lang-zh-CN", impact: "serious", help: "the page's language is zh-CN", target: `html[lang="${lang}"]`, summary: "" });
  // one line per rule: its impact, the elements' selectors (the first
  // five), the page and the step, and what to fix on the first
  const byRule = new Map();
  for (const v of found.filter((x) => !A11Y_EXCLUDE.some(([id, sel]) => id === x.id && sel === x.target))) {
    if (!byRule.has(v.id)) byRule.set(v.id, []);
    byRule.get(v.id).push(v);
  }
  return [...byRule.values()].map((vs) => `axe ${vs[0].id} (${vs[0].impact}) at ${page} [${label}] on ${vs.length} element(s): ` +
    vs.slice(0, 5).map((v) => v.target).join(" | ") + (vs.length > 5 ? " | …" : "") + ` — ${vs[0].help}. ${vs[0].summary}`);
}

// A browser context whose pages are watched for errors and photographed.
class Journey {
  constructor(browser, name) { this.browser = browser; this.name = name; this.errors = []; this.n = 0; this.contexts = []; this.allowed = []; current = this; }
  // a refusal the journey provokes on purpose (status, URL pattern): not an error
  allow(status, re) { this.allowed.push({ status, re }); }
  isAllowed(status, url) { return this.allowed.some((a) => a.status === status && a.re.test(url)); }
  async page(opts = {}) {
    const c = await this.browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", acceptDownloads: true, ...opts });
    this.contexts.push(c);
    await c.route(BASE + AXE_PATH, (r) => r.fulfill({ status: 200, contentType: "application/javascript; charset=utf-8", body: AXE_SRC }));
    const p = await c.newPage();
    journeyOf.set(p, this);
    p.setDefaultTimeout(15000);
    const downloads = new Set();
    p.on("download", (d) => downloads.add(d.url()));
    p.on("console", (m) => {
      if (m.type() !== "error") return;
      const st = /status of (\d+)/.exec(m.text());
      if (st && this.isAllowed(Number(st[1]), m.location().url || "")) return;
      this.errors.push(`console error on ${p.url()}: ${m.text()}`);
    });
    p.on("pageerror", (e) => this.errors.push(`page error on ${p.url()}: ${e.message}`));
    p.on("requestfailed", (r) => {
      const why = r.failure() ? r.failure().errorText : "";
      // downloads, and a PDF shown in a frame (Chromium's viewer takes the
      // stream over once the 200 arrived: journey 4 checks that reply)
      // (and Chromium's own PDF viewer, an extension, left by a page)
      if (why === "net::ERR_ABORTED" && (downloads.has(r.url()) || r.url().startsWith("chrome-extension://") ||
          /\.(csv|json|sig)$|\/key$|\/files\/[a-z_]+\?inline=1$|\/licence\?inline=1$/.test(r.url()))) return;
      this.errors.push(`request failed: ${r.method()} ${r.url()} ${why}`);
    });
    p.on("response", (r) => {
      if (r.status() >= 400 && !this.isAllowed(r.status(), r.url())) this.errors.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
    });
    // requests in flight (settle() waits for none)
    p.inflight = 0;
    p.on("request", () => p.inflight++);
    for (const ev of ["requestfinished", "requestfailed"]) p.on(ev, () => { p.inflight = Math.max(0, p.inflight - 1); });
    return p;
  }
  // a screenshot of the page as it is now (each page visited), checked
  // by axe first
  async shot(p, what, fullPage = true) {
    await this.a11y(p, what);
    this.n++;
    await p.screenshot({ path: join(ART, `${this.name}-${String(this.n).padStart(2, "0")}-${what}.png`), fullPage });
  }
  async a11y(p, what) { this.errors.push(...await checkA11y(p, `${this.name} ${what}`)); }
  check() { if (this.errors.length) throw new Error(this.errors.join("\n")); }
  async close() { for (const c of this.contexts) await c.close(); }
}

async function login(j, p, who, next) {
  await p.goto(BASE + "/login.html" + (next ? "?next=" + encodeURIComponent(next) : ""));
  await j.shot(p, "login-" + who);
  await p.getByLabel("账号").fill(who);
  await p.getByLabel("密码").fill(PASSWORD);
  await p.getByRole("button", { name: "登录" }).click();
  await p.waitForURL((u) => !u.pathname.endsWith("/login.html"));
}

async function confirmDialog(p, label) {
  const d = p.locator("dialog[open]");
  await d.waitFor();
  const j = journeyOf.get(p);
  if (j) await j.a11y(p, "dialog " + label);
  await d.getByRole("button", { name: label }).click();
}

// ---- joining by oneself (issue 12) ------------------------------------------
// Codes come through the outbox: `ops/stack.sh ctl notify` sends it to the
// file transport, $VOUCHER_STATE_DIR/outbox.jsonl, which is read here.
const ROOT = join(HERE, "..", "..");
function codeFor(mobile, kind) {
  execFileSync(join(ROOT, "ops", "stack.sh"), ["ctl", "notify"], { env: process.env, stdio: "ignore" });
  const file = join(process.env.VOUCHER_STATE_DIR || join(ROOT, "state-test"), "outbox.jsonl");
  const msgs = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l))
    .filter((m) => m.to === mobile && m.kind === kind);
  if (!msgs.length) throw new Error(`no ${kind} message to ${mobile}`);
  return msgs[msgs.length - 1].fields.code;
}
const newMobile = () => "139" + String(Math.floor(Math.random() * 1e8)).padStart(8, "0");
function newUscc() {   // GB 32100-2015 (rule E6), a Beijing enterprise's
  const cs = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  let body = "91110108";
  while (body.length < 17) body += cs[Math.floor(Math.random() * cs.length)];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += cs.indexOf(body[i]) * (3 ** i % 31);
  return body + cs[(31 - (sum % 31)) % 31];
}
async function apiAs(token, method, path, body) {
  const r = await fetch(BASE + path, { method, headers: { Authorization: "Bearer " + token,
    ...(body ? { "Content-Type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}
// The register page: kind, mobile, password, name, then the code.
async function registerIn(j, p, kind, mobile) {
  await p.goto(BASE + "/register.html");
  if (kind === "provider") await p.getByLabel("服务机构（提供服务产品）").check();
  await p.getByLabel("手机号（即登录账号）").fill(mobile);
  await p.getByLabel("设置密码").fill(PASSWORD);
  await p.getByLabel("联系人姓名").fill("张联系");
  await j.shot(p, "register");
  await p.getByRole("button", { name: "获取验证码" }).click();
  await p.locator("#step-code").waitFor();
  await p.getByLabel("短信验证码").fill(codeFor(mobile, "signup_code"));
  await j.shot(p, "code");
  await p.getByRole("button", { name: "验证并完成注册" }).click();
  await p.waitForURL(/org\.html/);
  await p.locator("#identity-form").waitFor();
}
// The organisation's certification: identity, licence, (class), submit.
async function certifyIn(j, p, kind, name, uscc) {
  const f = p.locator("#identity-form");
  await f.getByLabel(kind === "provider" ? "机构名称（与营业执照一致）" : "企业名称（与营业执照一致）").fill(name);
  await f.getByLabel("统一社会信用代码").fill(uscc);
  await f.getByLabel("法定代表人").fill("王法人");
  await f.getByLabel("注册所在区").fill("海淀区");
  await f.getByLabel(kind === "provider" ? "在北京市登记注册（含在京分支机构）" : "在北京市登记注册").selectOption("true");
  if (kind === "provider") await f.getByLabel("主体在北京市注册").selectOption("true");
  else await f.getByLabel("单位性质为企业").selectOption("true");
  await f.getByRole("button", { name: "保存身份信息" }).click();
  await p.locator("#flash").getByText("身份信息已保存").waitFor();
  await p.locator("#licence-file").setInputFiles({ name: "营业执照.pdf", mimeType: "application/pdf", buffer: pdf("licence") });
  await p.locator("#licence-state").getByText("已上传").waitFor();
  if (kind === "enterprise") {
    const c = p.locator("#class-form");
    await c.getByLabel("所属行业").selectOption("software");
    await c.getByLabel("从业人员（人）").fill("25");
    await c.getByLabel("营业收入（元）").fill("3000000.00");
    await c.getByLabel("资产总额（元）").fill("2000000.00");
    // the class as the figures are typed (E10)
    await p.locator("#size-class").getByText("小型").waitFor();
    await j.shot(p, "classification");
    await c.getByRole("button", { name: "保存划型" }).click();
    await p.locator("#flash").getByText("划型已保存").waitFor();
  }
  await j.shot(p, "certify-filled");
  await p.locator("#submit-cert").click();
  await p.locator("#state-name").getByText("待审核").waitFor();
  await j.shot(p, "submitted");
}
// The verification queue: the certification of name approved by who.
async function approveIn(j, p, who, name) {
  await login(j, p, who, who === "bureau" ? "/bureau.html#/certifications" : "/review.html#/certifications");
  const row = p.locator("table tbody tr", { hasText: name });
  await row.waitFor();
  await j.shot(p, "cert-queue");
  await row.getByRole("link").click();
  await p.locator("#cert-decide").waitFor();
  await p.locator("#cert-checks").waitFor();
  await j.shot(p, "cert-review");
  await p.locator("#cert-decide").getByRole("button", { name: "提交审核结论" }).click();
  await p.locator("#cert-flash").getByText("已通过").waitFor();
  await j.shot(p, "cert-approved");
}
async function orderableProduct() {
  const r = await apiGet("/api/products?per_page=50&sort=price");
  const p = r.items.find((x) => !x.sold_out && x.remaining_units > 0);
  if (!p) throw new Error("no product to order");
  return p.id;
}

// ---- keyboard alone and a phone (issue 16 §5) ---------------------------------
// The focused element as the keyboard user sees it, and whether its focus
// is visible (a computed outline or box-shadow, on screen).
async function focused(p) {
  return p.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body || e === document.documentElement) return null;
    const s = getComputedStyle(e), r = e.getBoundingClientRect();
    return { tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute("name") || "",
      text: (e.innerText || "").trim().replace(/\s+/g, " ").slice(0, 60), value: "value" in e ? String(e.value) : "",
      label: e.getAttribute("aria-label") || (e.labels && e.labels.length ? e.labels[0].innerText.trim() : ""),
      card: e.closest(".card") ? e.closest(".card").innerText : "", pressed: e.getAttribute("aria-pressed"),
      ring: (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none",
      onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth };
  });
}
const stopName = (f) => `${f.tag}${f.id ? "#" + f.id : ""} «${f.text || f.label || f.name}»`;
// Presses key until want(focused element) holds, checking at every stop
// that the focus is visible (WCAG 2.4.7); returns the element.
async function keyTo(j, p, what, want, key = "Tab", max = 60) {
  for (let i = 0; i < max; i++) {
    await p.keyboard.press(key);
    const f = await focused(p);
    if (!f) continue;
    if (!f.ring || !f.onScreen) j.errors.push(`keyboard: no visible focus on ${stopName(f)} at ${p.url()} (${key} towards ${what})`);
    if (want(f)) return f;
  }
  throw new Error(`keyboard: ${what} never took the focus in ${max} presses of ${key} at ${p.url()}`);
}
async function focusVisibleNow(j, p, what) {
  const f = await focused(p);
  if (!f) throw new Error(`keyboard: nothing has the focus (${what}) at ${p.url()}`);
  if (!f.ring || !f.onScreen) j.errors.push(`keyboard: no visible focus on ${stopName(f)} at ${p.url()} (${what})`);
  return f;
}

// A phone (WCAG 1.4.4, 1.4.10, 2.5.8): zoom allowed, nothing scrolls
// sideways, text at least 14 px, every target at least 24 × 24 CSS px
// (a link inside a sentence excepted, as 2.5.8 does); then axe (shot).
const PHONE = { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
async function phoneCheck(j, p, what) {
  const found = await p.evaluate(() => {
    const out = [];
    const vp = document.querySelector('meta[name="viewport"]');
    const content = vp ? vp.content.replace(/\s/g, "").toLowerCase() : "";
    if (!vp || !/width=device-width/.test(content)) out.push("no meta viewport width=device-width");
    if (/user-scalable=(no|0)/.test(content)) out.push("zoom disabled: " + content);
    const max = /maximum-scale=([\d.]+)/.exec(content);
    if (max && Number(max[1]) < 5) out.push("zoom limited: " + content);
    if (document.documentElement.scrollWidth > innerWidth)
      out.push(`horizontal scroll: scrollWidth ${document.documentElement.scrollWidth} > ${innerWidth}`);
    const shown = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
      return r.width > 1 && r.height > 1 && s.visibility !== "hidden" && r.right > 0 && !e.closest("svg, [hidden], details:not([open]) > :not(summary)"); };
    const sel = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "") +
      ` «${(e.innerText || e.getAttribute("aria-label") || e.name || "").trim().slice(0, 30)}»`;
    if (parseFloat(getComputedStyle(document.body).fontSize) < 14) out.push("body text below 14px");
    const small = new Set();
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const e = n.parentElement;
      if (!n.textContent.trim() || !e || small.has(e) || !shown(e)) continue;
      if (e.closest("script, style, option")) continue;
      const px = parseFloat(getComputedStyle(e).fontSize);
      if (px < 14) { small.add(e); out.push(`text ${px}px (< 14px): ${sel(e)}`); }
    }
    const targets = document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex='-1'])");
    for (const e of targets) {
      if (!shown(e)) continue;
      const s = getComputedStyle(e);
      if (e.tagName === "A" && s.display === "inline") {
        // 2.5.8's inline exception: a link in a sentence of other text
        let b = e.parentElement;
        while (b && getComputedStyle(b).display === "inline") b = b.parentElement;
        if (b && b.innerText.trim().length > e.innerText.trim().length) continue;
      }
      const r = e.getBoundingClientRect();
      if (r.width < 24 || r.height < 24) out.push(`target ${Math.round(r.width)}×${Math.round(r.height)} (< 24×24): ${sel(e)}`);
    }
    return out;
  });
  for (const f of found) j.errors.push(`phone: ${f} at ${new URL(p.url()).pathname}${new URL(p.url()).hash} [${j.name} ${what}]`);
  await j.shot(p, what);
}

// Waits until the page has had no request in flight for 300 ms (its
// state settled after a navigation within the page).
async function settle(p, ms = 300) {
  const end = Date.now() + 15000;
  let quiet = 0;
  while (Date.now() < end) {
    await p.waitForTimeout(50);
    quiet = p.inflight ? 0 : quiet + 50;
    if (quiet >= ms) return;
  }
  throw new Error(`${p.url()} never settled (${p.inflight} requests in flight)`);
}

// ---- the journeys -----------------------------------------------------------
const journeys = [
  ["journey1_public_browses_category_searches_in_chinese_opens_product", async (browser) => {
    const j = new Journey(browser, "journey1");
    // a phone: 390 × 844, touch
    const p = await j.page({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await p.goto(BASE + "/");
    await p.locator(".card").first().waitFor();
    await j.shot(p, "home");
    await p.getByRole("button", { name: new RegExp("^" + CATEGORY) }).click();
    await p.waitForFunction((c) => [...document.querySelectorAll(".card .prov")].every((e) => e.textContent.includes(c)), CATEGORY);
    await j.shot(p, "category");
    await p.getByRole("searchbox").fill(PRODUCT_QUERY);
    await p.getByRole("button", { name: "搜索" }).click();
    await p.waitForFunction((q) => { const c = [...document.querySelectorAll(".card h2")]; return c.length && c.every((e) => e.textContent.includes(q)); }, PRODUCT_QUERY);
    await j.shot(p, "search");
    const link = p.locator(".card h2 a").first();
    ctx.productName = (await link.textContent()).trim();
    await link.click();
    await p.waitForURL(/product\.html\?id=\d+/);
    ctx.productId = Number(new URL(p.url()).searchParams.get("id"));
    await p.getByRole("heading", { level: 1, name: ctx.productName }).waitFor();
    await p.locator("#remaining").waitFor();
    await j.shot(p, "product");
    const prod = await apiGet("/api/products/" + ctx.productId);
    ctx.providerLogin = "prov" + String(prod.provider_id).padStart(2, "0");
    j.check(); await j.close();
  }],

  ["journey2_enterprise_logs_in_orders_and_sees_allowance_drop", async (browser) => {
    const j = new Journey(browser, "journey2");
    const p = await j.page({ viewport: { width: 1280, height: 900 } });
    await p.goto(BASE + "/");
    await p.locator(".card").first().waitFor();
    await j.shot(p, "home", false);
    await p.goto(BASE + "/product.html?id=" + ctx.productId);
    await p.locator("#order").waitFor();
    await j.shot(p, "product");
    await p.locator("#order").click();
    await p.waitForURL(/login\.html/);
    await j.shot(p, "login");
    await p.getByLabel("账号").fill("ent01");
    await p.getByLabel("密码").fill(PASSWORD);
    await p.getByRole("button", { name: "登录" }).click();
    await p.waitForURL(/ent\.html#\/new\//);
    await p.locator("#formula").waitFor();
    const before = fen(await p.locator("#q-available").textContent());
    const reservable = fen(await p.locator("#reservable").textContent());
    if (reservable <= 0) throw new Error("ent01 has no allowance left for the journey");
    // the contact the provider will call: a wrong number is refused beside its field
    ctx.contactName = "王小明";
    ctx.contactMobile = "139" + String(Date.now()).slice(-8);
    await p.getByLabel("联系人姓名").fill(ctx.contactName);
    await p.getByLabel("联系电话（手机）").fill("12345");
    await p.locator("#place-order").click();
    await p.waitForFunction(() => /11 位手机号码/.test(document.querySelector("[name=contact_mobile]").parentElement.querySelector(".field-err").textContent));
    await j.shot(p, "contact-refused");
    await p.getByLabel("联系电话（手机）").fill(ctx.contactMobile);
    const untilIfNow = (await p.locator("#valid-until").textContent()).trim();
    if (!/^\d{4}年\d\d月\d\d日 \d\d:\d\d$/.test(untilIfNow)) throw new Error("validity not an instant: " + untilIfNow);
    await j.shot(p, "confirm-order");
    await p.locator("#place-order").click();
    await p.waitForURL(/ent\.html#\/orders\/\d+/);
    await p.locator(".success").waitFor();
    ctx.orderId = Number(/orders\/(\d+)/.exec(p.url())[1]);
    const after = fen(await p.locator("#q-available").textContent());
    if (after !== before - reservable) throw new Error(`allowance did not drop by ${reservable}: ${before} → ${after}`);
    if ((await p.locator("#contact").textContent()).trim() !== `${ctx.contactName} ${ctx.contactMobile}`) throw new Error("the order does not show its contact");
    // the validity is one instant: the page and the printed commitment form say the same (O6)
    const until = (await p.locator("#valid-until").textContent()).trim();
    const form = await p.evaluate(async (id) => (await fetch(`/api/orders/${id}/commitment`)).text(), ctx.orderId);
    if (!form.includes(`<td>${until}</td>`)) throw new Error(`the commitment form does not say valid until ${until}`);
    await j.shot(p, "order-placed");
    await p.getByRole("link", { name: "← 返回我的订单" }).click();
    await p.locator("table").waitFor();
    await j.shot(p, "my-orders");
    j.check(); await j.close();
  }],

  ["journey3_provider_accepts_contracts_uploads_five_pdfs_fills_figures_submits", async (browser) => {
    const j = new Journey(browser, "journey3");
    const p = await j.page({ viewport: { width: 1280, height: 900 } });
    await login(j, p, ctx.providerLogin, "/prov.html#/inbox?status=pending");
    await p.locator(".countdown").first().waitFor();
    await p.waitForFunction(() => /剩余/.test(document.querySelector(".countdown").textContent));
    await j.shot(p, "inbox");
    // issue 16: the sweeper's message of the new order, in the inbox with
    // its unread count; its link opens the order
    execFileSync(join(ROOT, "ops", "stack.sh"), ["ctl", "sweep"], { env: process.env, stdio: "ignore" });
    await p.goto(BASE + "/messages.html");
    await p.locator("#nav-messages .unread-badge").waitFor();
    const msg = p.locator(`.msg.unread:has(a[href="/prov.html?order=${ctx.orderId}"])`).first();
    await msg.waitFor();
    await p.locator("#prefs input[name=accept_due][disabled]").waitFor();
    await j.shot(p, "messages");
    await msg.getByRole("link", { name: "去办理" }).click();
    await p.locator("#accept").waitFor();
    await p.goto(BASE + "/prov.html#/inbox?status=pending");
    await p.locator(`a[href="#/orders/${ctx.orderId}"]`).click();
    await p.locator("#accept").waitFor();
    // the enterprise's contact: shown to this order's provider
    if ((await p.locator("#contact-name").textContent()).trim() !== ctx.contactName ||
        (await p.locator("#contact-mobile").textContent()).trim() !== ctx.contactMobile) throw new Error("the provider does not see the order's contact");
    await j.shot(p, "order");
    await p.locator("#accept").click();
    const form = p.locator("#contract-form");
    await form.waitFor();
    await form.getByLabel("合同编号").fill("HT-WEB-" + Date.now());
    const amount = fen(await p.locator("#calc-subsidy").textContent()) + fen(await p.locator("#calc-self").textContent());
    await j.shot(p, "contract-form");
    await form.getByRole("button", { name: "保存合同" }).click();
    await p.locator("#figures-form").waitFor();
    const subsidy = fen(await p.locator("#subsidy").textContent());
    const selfPaid = fen(await p.locator("#self-paid").textContent());
    if (subsidy + selfPaid !== amount) throw new Error("contract split does not add up");
    // corrected to 24 months the subsidy drops (one year's share), and
    // corrected back it is raised again to what the order reserved (O9)
    const halfYear = Math.min(Math.floor((Math.floor(amount / 2) * 30) / 100), subsidy);
    for (const [months, want] of [[24, halfYear], [12, subsidy]]) {
      await p.locator("#correct summary").click();
      const c = p.locator("#correct #contract-form");
      await c.getByLabel("服务期（月）").fill(String(months));
      if (months === 24) await j.shot(p, "contract-correction");
      await c.getByRole("button", { name: "保存合同" }).click();
      let now = -1;
      for (let i = 0; i < 100 && now !== want; i++) {
        await p.waitForTimeout(100);
        const t = await p.locator("#subsidy").textContent().catch(() => null);
        now = t ? fen(t) : -1;
      }
      if (now !== want) throw new Error(`the corrected contract (${months} months) gives ${now}, want ${want}`);
      await p.locator("#figures-form").waitFor();
    }
    for (const kind of ["contract", "commitment", "invoice", "invoice_check", "receipt"]) {
      await p.locator("#file-" + kind).setInputFiles({ name: kind + ".pdf", mimeType: "application/pdf", buffer: pdf(kind) });
      await p.waitForFunction((k) => document.getElementById("prog-" + k).value === 100 && /已上传/.test(document.getElementById("state-" + k).textContent), kind);
    }
    // the guide's other files: a titled PDF beside the five (issue 11 point 9)
    await p.locator("#other-title").fill("交付报告");
    await p.locator("#other-file").setInputFiles({ name: "report.pdf", mimeType: "application/pdf", buffer: pdf("report") });
    await p.locator("#other-list li", { hasText: "交付报告" }).waitFor();
    await j.shot(p, "uploaded");
    const signed = shanghaiDate(Date.now());   // the contract form's default
    const f = p.locator("#figures-form");
    await f.getByLabel("发票号码").fill(String(Date.now()).slice(-12));
    await f.getByLabel("开票日期").fill(signed);
    await f.getByLabel("发票总金额（元）").fill(yuanInput(amount));
    await f.getByLabel("其中服务券抵用金额（元）").fill(yuanInput(subsidy));
    await f.getByLabel("其中企业自付金额（元）").fill(yuanInput(selfPaid));
    await f.getByLabel("银行收款日期").fill(signed);
    await f.getByLabel("银行收款金额（元）").fill(yuanInput(selfPaid));
    await p.waitForFunction(() => document.querySelectorAll("#checks li.pass").length === 6);
    await f.getByRole("button", { name: "保存" }).click();
    await p.waitForFunction(() => /可以提交/.test(document.getElementById("ready").textContent));
    await j.shot(p, "figures-checked");
    await p.locator("#submit-claim").click();
    await p.locator("dialog[open]").waitFor();
    await j.shot(p, "cannot-be-undone");
    await confirmDialog(p, "确认提交");
    await p.getByText("材料和数据已冻结").waitFor();
    await j.shot(p, "submitted");
    j.check(); await j.close();
  }],

  ["journey4_enterprise_confirms_and_rates_reviewer_returns_provider_corrects_reviewer_approves", async (browser) => {
    const j = new Journey(browser, "journey4");
    const p = await j.page({ viewport: { width: 1280, height: 900 } });
    // C2: the order list reminds the enterprise to confirm within 15 days
    await login(j, p, "ent01", "/ent.html#/orders");
    await p.locator(`.confirm-by[data-order="${ctx.orderId}"]`).waitFor();
    await j.shot(p, "confirm-reminder");
    await p.locator(`a[href="#/orders/${ctx.orderId}"]`).click();
    const form = p.locator("#confirm-form");
    await form.waitFor();
    await p.locator("#confirm-by").waitFor();
    await j.shot(p, "order");
    await form.getByRole("group", { name: "及时性" }).getByLabel("4 星").check();
    await form.getByLabel("评价（选填）").fill("服务专业，响应及时。");
    await form.getByRole("button", { name: "确认完成并提交评价" }).click();
    await p.getByText("已确认服务完成").first().waitFor();
    await j.shot(p, "confirmed");
    const r = await j.page({ viewport: { width: 1280, height: 900 } });
    await login(j, r, "reviewer", "/review.html#/claims");
    await r.locator(`a[href="#/claims/${ctx.orderId}"]`).waitFor();
    await j.shot(r, "queue");
    await r.locator(`a[href="#/claims/${ctx.orderId}"]`).click();
    await r.locator("#review-form").waitFor();
    await r.locator("#flags").waitFor();
    await j.shot(r, "claim");
    // the invoice PDF viewed inline, in a frame of the page
    const inline = r.waitForResponse((res) => res.url().includes(`/files/invoice?inline=1`));
    await r.locator("li", { hasText: "发票（" }).getByRole("button", { name: "在页面内查看" }).click();
    const shown = await inline;
    if (shown.status() !== 200 || !String(shown.headers()["content-disposition"]).startsWith("inline"))
      throw new Error(`inline PDF: ${shown.status()} ${shown.headers()["content-disposition"]}`);
    await r.locator("#pdf-viewer iframe.pdf-frame").waitFor();
    await j.shot(r, "claim-pdf");
    // the provider's other file, titled, among the claim's documents
    await r.locator("#claim-files li", { hasText: "其他文件：交付报告" }).waitFor();
    // returned for correction (退回补正, issue 11 point 8) with what to fix
    const rf = r.locator("#review-form");
    await rf.getByLabel("结论", { exact: true }).selectOption("return");
    await rf.getByLabel("理由").fill("发票查验结果不清晰，请重新上传");
    await rf.getByRole("button", { name: "提交初审结论" }).click();
    await r.locator("#review-result").waitFor();
    await j.shot(r, "returned");
    // the provider reads the reason, replaces the file and submits again
    const pv = await j.page({ viewport: { width: 1280, height: 900 } });
    await login(j, pv, ctx.providerLogin, `/prov.html#/orders/${ctx.orderId}`);
    await pv.locator("#returned-reason").waitFor();
    if (!/发票查验结果不清晰/.test(await pv.locator("#returned-reason").textContent())) throw new Error("the provider does not see the reason of the return");
    await j.shot(pv, "provider-returned");
    await pv.locator("#file-invoice_check").setInputFiles({ name: "invoice_check.pdf", mimeType: "application/pdf", buffer: pdf("invoice_check-2") });
    await pv.waitForFunction(() => document.getElementById("prog-invoice_check").value === 100 && /已上传/.test(document.getElementById("state-invoice_check").textContent));
    await pv.waitForFunction(() => /可以提交/.test(document.getElementById("ready").textContent));
    await pv.locator("#submit-claim").click();
    await confirmDialog(pv, "确认提交");
    await pv.getByText("材料和数据已冻结").waitFor();
    await pv.locator("#claim-history").waitFor();
    await j.shot(pv, "provider-resubmitted");
    // the second round: the history shows both, and it is approved
    await r.reload();
    await r.locator("#review-form").waitFor();
    await r.locator("#claim-history").getByText("退回补正").waitFor();
    await j.shot(r, "second-round");
    await r.locator("#review-form").getByRole("button", { name: "提交初审结论" }).click();
    await r.locator("#review-result").getByText("初审通过").waitFor();
    await j.shot(r, "approved");
    j.check(); await j.close();
  }],

  ["journey5_bureau_batches_publishes_public_feedback_bureau_dismisses_and_pays", async (browser) => {
    const j = new Journey(browser, "journey5");
    const b = await j.page({ viewport: { width: 1280, height: 900 } });
    await login(j, b, "bureau", "/bureau.html#/batches");
    await b.locator("#batch-create").waitFor();
    await j.shot(b, "batches");
    await b.locator("#batch-create").getByRole("button", { name: "汇总生成批次" }).click();
    await b.locator("#publish").waitFor();
    ctx.batchId = Number(/batches\/(\d+)/.exec(b.url())[1]);
    await j.shot(b, "draft");
    await b.locator("#publish").click();
    await confirmDialog(b, "确认发布");
    await b.locator("#pay").waitFor();
    await j.shot(b, "published");
    // the public
    const p = await j.page({ viewport: { width: 1280, height: 900 } });
    await p.goto(`${BASE}/publicity.html?batch=${ctx.batchId}`);
    await p.locator("#batch-total").waitFor();
    // R7: the records of the batch: the published list is record 0
    await p.locator('#records li[data-seq="0"]').getByText("公示名单").waitFor();
    await j.shot(p, "publicity");
    await p.getByPlaceholder("搜索服务机构或产品名称").fill(PRODUCT_QUERY);
    await p.locator("#batch form").getByRole("button", { name: "搜索" }).click();
    await p.waitForFunction((n) => { const rows = [...document.querySelectorAll("#batch tbody tr")]; return rows.length && rows.every((r) => r.textContent.includes(n)); }, PRODUCT_QUERY);
    await j.shot(p, "found-row");
    const [dl] = await Promise.all([p.waitForEvent("download"), p.locator("#csv").click()]);
    const csvPath = join(ART, "journey5-publicity.csv");
    await dl.saveAs(csvPath);
    if (!readFileSync(csvPath, "utf8").includes(ctx.productName)) throw new Error("the CSV lacks the product");
    await p.locator("#batch tbody tr").first().getByRole("button", { name: "提出意见" }).click();
    const fb = p.locator("#feedback-form");
    await fb.waitFor();
    await j.shot(p, "feedback-form");       // the panel open (axe)
    await fb.getByLabel("意见内容").fill("请核实该服务是否已真实提供。");
    await fb.getByLabel("联系方式（选填）").fill("13800000000");
    await fb.getByRole("button", { name: "提交意见" }).click();
    await p.locator("#tracking").waitFor();
    const tracking = (await p.locator("#tracking").textContent()).trim();
    await j.shot(p, "feedback-sent");
    await p.getByPlaceholder(/受理编号/).fill(tracking);
    await p.locator("#track").getByRole("button", { name: "查询" }).click();
    await p.locator("#track-dl").getByText("处理中").first().waitFor();
    await j.shot(p, "tracking");
    // the bureau dismisses it
    await b.goto(BASE + "/bureau.html#/feedback");
    const card = b.locator(`form[data-tracking="${tracking}"]`);
    await card.waitFor();
    await j.shot(b, "feedback");
    await card.getByLabel("处理说明").fill("经核实，服务已提供，合同与发票一致。");
    await card.getByRole("button", { name: /意见不成立/ }).click();
    await card.waitFor({ state: "detached" });
    await j.shot(b, "dismissed");
    // the publicity period ends (T2: the injectable clock), then the bureau pays
    const tok = await apiLogin("bureau");
    const batch = await apiGet("/api/bureau/batches/" + ctx.batchId, tok);
    const t = Date.parse(batch.period_ends_at) + 86400e3;
    setClock(new Date(t).toISOString().replace(/\.\d+Z$/, "Z"));
    await login(j, b, "bureau", `/bureau.html#/batches/${ctx.batchId}`);
    await b.locator("#pay").waitFor();
    await b.getByLabel("兑付日期").fill(shanghaiDate(t));
    await j.shot(b, "pay");
    await b.locator("#pay").click();
    await confirmDialog(b, "确认兑付");
    await b.locator("#paid").waitFor();
    await j.shot(b, "paid");
    // R7: the public batch page shows the payment as a new signed record
    // chained after the list, which is unchanged
    await p.goto(`${BASE}/publicity.html?batch=${ctx.batchId}`);
    const paidRec = p.locator("#records li").filter({ hasText: "兑付日期" }).last();
    await paidRec.waitFor();
    await p.locator('#records li[data-seq="0"]').getByText("公示名单").waitFor();
    await paidRec.scrollIntoViewIfNeeded();
    await j.shot(p, "records");
    const recHref = await paidRec.getByRole("link", { name: "JSON" }).getAttribute("href");
    const rec = await (await p.request.get(BASE + recHref)).json();
    if (rec.kind !== "payment" || rec.paid_on !== shanghaiDate(t) || !/^[0-9a-f]{64}$/.test(rec.prev_sha256))
      throw new Error("the payment record is not as expected: " + JSON.stringify(rec));
    await b.goto(BASE + "/bureau.html#/dashboard");
    await b.locator(".chart svg").first().waitFor();
    // issue 16: the stages' average days (HTML/CSS bars) and what is overdue
    await b.locator("#stage-days .stage-chart li").nth(5).waitFor();
    await b.locator("#overdue h3").waitFor();
    await j.shot(b, "dashboard");
    j.check(); await j.close();
  }],

  ["journey6_provider_applications_and_the_review_queues", async (browser) => {
    // product collection (A4-A7) on the demo's applications: the provider's
    // list in every state, a returned one saved with every check passing,
    // and the reviewer's and the bureau's queues
    const j = new Journey(browser, "journey6");
    const p = await j.page({ viewport: { width: 1280, height: 900 } });
    await login(j, p, "prov01", "/prov.html#/applications");
    const rows = p.locator("table tbody tr");
    await rows.first().waitFor();
    for (const state of ["待提交", "退回修改", "已通过"])
      await p.locator("table tbody").getByText(state, { exact: true }).first().waitFor();
    await j.shot(p, "my-applications");
    await p.locator("table tbody tr", { hasText: "退回修改" }).getByRole("link", { name: "查看" }).click();
    await p.getByRole("button", { name: "保存", exact: true }).click();
    await p.getByText("已保存，全部字段校验通过。").waitFor();
    await j.shot(p, "returned-saved");
    const r = await j.page({ viewport: { width: 1280, height: 900 } });
    await login(j, r, "reviewer", "/review.html#/applications");
    await r.getByRole("heading", { name: "产品申报审核队列" }).waitFor();
    await r.locator("table tbody tr").first().waitFor();
    await j.shot(r, "review-queue");
    await r.locator("table tbody tr").first().getByRole("link", { name: "审核" }).click();
    await r.getByRole("button", { name: "提交审核意见" }).waitFor();
    await j.shot(r, "review-application");
    // the bureau approves one (A6): its products go into the catalog
    const b = await j.page({ viewport: { width: 1280, height: 900 } });
    await login(j, b, "bureau", "/bureau.html#/applications");
    await b.locator("table tbody tr").first().waitFor();
    await b.locator("table tbody tr").first().getByRole("link", { name: "审核" }).click();
    await b.getByRole("button", { name: "提交审核意见" }).waitFor();
    const appId = Number(/applications\/(\d+)/.exec(b.url())[1]);
    await j.shot(b, "bureau-application");
    await b.getByRole("button", { name: "提交审核意见" }).click();
    await b.waitForURL((u) => /#\/applications$/.test(u.hash));
    await j.shot(b, "bureau-queue-after");
    const a = await apiGet("/api/review/applications/" + appId, await apiLogin("bureau"));
    if (a.status !== "approved") throw new Error(`application ${appId}: ${a.status}, not approved`);
    j.check(); await j.close();
  }],

  ["journey7_new_enterprise_registers_certifies_is_approved_and_orders", async (browser) => {
    // E9-E11: signup with the code, certification, the reviewer's
    // approval, the allowance at once, the first order
    const j = new Journey(browser, "journey7");
    const p = await j.page({ viewport: { width: 1280, height: 900 } });
    const mobile = newMobile(), name = "北京页面测试" + Date.now() + "科技有限公司";
    await registerIn(j, p, "enterprise", mobile);
    await certifyIn(j, p, "enterprise", name, newUscc());
    const r = await j.page({ viewport: { width: 1280, height: 900 } });
    await approveIn(j, r, "reviewer", name);
    await p.reload();
    await p.locator("#state-name").getByText("已认证").waitFor();
    await j.shot(p, "certified");
    const pid = await orderableProduct();
    await p.goto(BASE + "/product.html?id=" + pid);
    await p.locator("#order").click();
    await p.waitForURL(/ent\.html#\/new\//);
    await p.locator("#formula").waitFor();
    if ((await p.locator("#q-available").textContent()).trim() !== "¥20,000.00") throw new Error("not the ordinary allowance");
    // a first order has no last contact to default to: the page asks
    await p.getByLabel("联系人姓名").fill("张测试");
    await p.getByLabel("联系电话（手机）").fill(mobile);
    await j.shot(p, "first-order");
    await p.locator("#place-order").click();
    await p.waitForURL(/ent\.html#\/orders\/\d+/);
    await p.locator(".success").waitFor();
    await j.shot(p, "ordered");
    j.check(); await j.close();
  }],

  ["journey8_provider_registers_certifies_and_submits_an_application", async (browser) => {
    // E9 for a provider, then its first product application (A1-A7)
    // submitted inside the round's window (the clock moved there, T2)
    const j = new Journey(browser, "journey8");
    const b = await apiLogin("bureau");
    const cur = (await apiAs(b, "GET", "/api/bureau/rounds")).items.find((x) => x.is_current);
    const day = new Date(Date.parse(cur.apply_opens_on + "T04:00:00Z") + 10 * 86400e3);
    setClock(day.toISOString().replace(/\.\d+Z$/, "Z"));
    const p = await j.page({ viewport: { width: 1280, height: 900 } });
    const mobile = newMobile(), name = "北京页面测试" + Date.now() + "咨询服务有限公司";
    await registerIn(j, p, "provider", mobile);
    await certifyIn(j, p, "provider", name, newUscc());
    const r = await j.page({ viewport: { width: 1280, height: 900 } });
    await approveIn(j, r, "bureau", name);
    await p.reload();
    await p.locator("#state-name").getByText("已认证").waitFor();
    await p.goto(BASE + "/prov.html#/applications");
    await p.locator("#new-app").click();
    await p.waitForURL(/#\/applications\/\d+$/);
    const appId = Number(/applications\/(\d+)/.exec(p.url())[1]);
    // set-up through the API with the page's own session: the form and
    // the twelve required materials (journey 6 covers filling them in)
    const form = { provider: { website: "https://www.example.com.cn", established_on: "2015-03-01",
      beijing_registered: true, main_body_beijing: true, has_premises: true, premises_address: "北京市海淀区中关村大街1号",
      credit_ok: true, revenue_year_before: 450000000, revenue_last_year: 520000000, last_year_contracts: 60,
      beijing_clients_last_year: 30, national_clients_last_year: 55 },
    products: [{ name: "页面测试财税服务" + Date.now(), category: "finance", description: "代理记账与税务咨询。",
      market_price: 1000000, voucher_price: 800000, beijing_revenue_year_before: 12000000,
      beijing_revenue_last_year: 15000000, beijing_clients_last_year: 40 }] };
    const items = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => "provider." + k).concat([1, 2, 3, 4].map((k) => "product.1." + k));
    const bodies = items.map((it) => [it, Array.from(pdf(it))]);
    const failed = await p.evaluate(async ({ id, form, bodies }) => {
      const h = { "X-CSRF-Token": sessionStorage.getItem("csrf") };
      let r = await fetch(`/api/applications/${id}?mode=save`, { method: "PUT", headers: { ...h, "Content-Type": "application/json" },
        body: JSON.stringify(form) });
      const text = await r.text();     // read whole: nothing left in flight
      if (!r.ok) return "save " + r.status + " " + text;
      for (const [it, bytes] of bodies) {
        r = await fetch(`/api/applications/${id}/attachments/${it}?name=${it}.pdf`, { method: "PUT",
          headers: { ...h, "Content-Type": "application/pdf" }, body: new Uint8Array(bytes) });
        await r.text();
        if (!r.ok) return it + " " + r.status;
      }
      return "";
    }, { id: appId, form, bodies });
    if (failed) throw new Error("set-up: " + failed);
    await p.reload();
    await p.getByRole("button", { name: "提交", exact: true }).waitFor();
    await j.shot(p, "application");
    await p.getByRole("button", { name: "提交", exact: true }).click();
    await confirmDialog(p, "确认提交");
    await p.getByText("申报已提交，当前不可修改。").waitFor();
    await j.shot(p, "application-submitted");
    const a = await apiAs(b, "GET", "/api/review/applications/" + appId);
    if (a.status !== "pending") throw new Error(`application ${appId}: ${a.status}, not pending`);
    j.check(); await j.close();
  }],

  ["journey9_administrator_adds_a_viewer_who_cannot_order", async (browser) => {
    // E13: an administrator invites a viewer by mobile; the viewer
    // confirms with the code, reads, and cannot order
    const j = new Journey(browser, "journey9");
    const a = await j.page({ viewport: { width: 1280, height: 900 } });
    await login(j, a, "ent02", "/org.html#/members");
    const f = a.locator("#invite-form");
    await f.waitFor();
    const mobile = newMobile();
    await f.getByLabel("手机号").fill(mobile);
    await f.getByLabel("姓名（选填）").fill("李查看");
    await f.getByLabel("角色").selectOption("viewer");
    await j.shot(a, "invite");
    await f.getByRole("button", { name: "发送邀请" }).click();
    await a.getByText("邀请已发送").waitFor();
    await a.locator("table", { hasText: "李查看" }).waitFor();
    await j.shot(a, "invited");
    const v = await j.page({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await v.goto(BASE + "/join.html");
    await v.getByLabel("受邀手机号").fill(mobile);
    await v.getByLabel("短信验证码").fill(codeFor(mobile, "invite_code"));
    await v.getByLabel("设置密码").fill(PASSWORD);
    await v.getByLabel("您的姓名").fill("李查看");
    await j.shot(v, "join");
    await v.getByRole("button", { name: "加入机构" }).click();
    await v.waitForURL(/ent\.html/);
    await v.locator("#allowance").waitFor();
    await j.shot(v, "viewer-console");
    await v.goto(BASE + "/product.html?id=" + await orderableProduct());
    await v.locator("#order").click();
    await v.waitForURL(/ent\.html#\/new\//);
    await v.locator("#cannot-order").getByText("查看者").waitFor();
    if (!(await v.locator("#place-order").isDisabled())) throw new Error("a viewer could order");
    if (await v.locator("fieldset#contact").count()) throw new Error("a viewer is asked for the order's contact");
    await j.shot(v, "viewer-cannot-order");
    j.check(); await j.close();
  }],

  ["journey10_refund_recovery_orders_and_evaluations_screens", async (browser) => {
    // issue 11: the screens of what existed only as an API, on journey 5's
    // paid order (rated in journey 4): the provider reports a refund
    // (《工作指南》七、4) and reads its ratings; the public product page
    // shows them per aspect; the bureau records the money returned,
    // filters every order (with its spreadsheet links) and reads the
    // ratings per provider
    const j = new Journey(browser, "journey10");
    const p = await j.page({ viewport: { width: 1280, height: 900 } });
    await login(j, p, ctx.providerLogin, `/prov.html#/orders/${ctx.orderId}`);
    const rf = p.locator("#refund");
    await rf.waitFor();
    await rf.getByLabel("退款金额（元）").fill("100.00");
    await rf.getByLabel("说明").fill("企业调整需求，部分服务内容取消，退还 100 元。");
    await j.shot(p, "refund");
    await rf.getByRole("button", { name: "报告退款" }).click();
    await confirmDialog(p, "确认报告");
    await p.getByText(/已报告退款/).waitFor();
    await j.shot(p, "refunded");
    await p.goto(BASE + "/prov.html#/evaluations");
    await p.locator("#eval-products .ratings").first().waitFor();
    await j.shot(p, "prov-evaluations");
    await p.goto(BASE + "/product.html?id=" + ctx.productId);
    await p.locator("#evaluations .ratings").waitFor();
    await p.locator("#evaluations").getByText("服务质量").first().waitFor();
    await j.shot(p, "product-evaluations");
    const b = await j.page({ viewport: { width: 1280, height: 900 } });
    await login(j, b, "bureau", "/bureau.html#/recoveries");
    const orderNo = (await apiGet("/api/provider/orders/" + ctx.orderId, await apiLogin(ctx.providerLogin))).order_no;
    const card = b.locator(`section[data-order="${orderNo}"]`);
    await card.waitFor();
    await j.shot(b, "recoveries");
    await card.getByRole("button", { name: "登记退回" }).click();
    await b.locator(`section[data-order="${orderNo}"]`).waitFor({ state: "detached" });
    await b.getByLabel("状态").selectOption("settled");
    await b.waitForURL(/status=settled/);
    await j.shot(b, "settled-list");
    await b.locator(`section[data-order="${orderNo}"] .badge`, { hasText: "已结清" }).waitFor();
    await j.shot(b, "settled");
    await b.goto(BASE + "/bureau.html#/orders");
    const f = b.locator("#order-filters");
    await f.waitFor();
    await f.getByLabel("状态").selectOption("paid");     // a partial refund keeps it paid
    await f.getByRole("button", { name: "筛选" }).click();
    await b.locator("table", { hasText: orderNo }).waitFor();
    const href = await b.locator("#export-xlsx").getAttribute("href");
    if (href !== "/api/bureau/orders.xlsx?status=paid") throw new Error("xlsx link " + href);
    await j.shot(b, "orders");
    const prov = await apiGet("/api/products/" + ctx.productId);
    await b.goto(BASE + "/bureau.html#/evaluations?provider_id=" + prov.provider_id);
    await b.locator("#eval-products .ratings").first().waitFor();
    await j.shot(b, "evaluations");
    j.check(); await j.close();
  }],

  ["journey11_bureau_manages_products_and_providers", async (browser) => {
    // issue 11, point 13: the bureau's 产品管理 and one provider's page, on a
    // provider and a product of the journey's own (the demo's stay as the
    // other journeys use them): list a product directly with the checks
    // shown as typed, change its units and validity, see an invalid
    // validity refused beside the field, delist it (gone from the public
    // catalog) and relist it; flag the provider (its product not orderable
    // on the public page, listing refused), clear the flag, then bar it
    const j = new Journey(browser, "journey11");
    const tok = await apiLogin("bureau");
    const stamp = Date.now().toString(36);
    const provName = `北京旅程十一测试咨询${stamp}有限公司`;
    const prov = await apiAs(tok, "POST", "/api/bureau/providers", { name: provName, uscc: newUscc(),
      beijing_registered: true, established_on: "2015-03-01", login: "j11" + stamp, password: PASSWORD });
    const prodName = `旅程十一法律顾问${stamp}`;
    const b = await j.page({ viewport: { width: 1280, height: 900 } });
    await login(j, b, "bureau", "/bureau.html#/products");
    const c = b.locator("#product-create");
    await c.waitFor();
    await c.getByLabel("服务机构编号").fill(String(prov.id));
    await c.getByLabel("类别").selectOption("legal");
    await c.getByLabel("产品名称").fill(prodName);
    await c.getByLabel("市场价（元）").fill("1000.00");
    await c.getByLabel("配券价（元）").fill("900.00");    // above 80% of the market price: shown at once
    await c.locator("#create-checks li.fail", { hasText: "最高 ¥800.00" }).waitFor();
    await c.getByLabel("配券价（元）").fill("800.00");
    await c.locator("#create-checks li.pass", { hasText: "最高 ¥800.00" }).waitFor();
    await c.locator("#create-checks li.pass", { hasText: "每份补贴 ¥240.00" }).waitFor();
    await c.getByLabel("优惠数量（份）").fill("5");
    await c.getByLabel("服务内容").fill("合同审查与法律咨询，每份含 10 小时。");
    await j.shot(b, "create");
    await c.getByRole("button", { name: "上架" }).click();
    await b.locator("#manage-flash", { hasText: "已上架" }).waitFor();
    const e = b.locator("#product-edit");
    await e.waitFor();
    const pid = Number((await b.locator("#manage-flash").textContent()).match(/编号 (\d+)/)[1]);
    // units and validity changed, the checks shown before saving
    await e.getByLabel("优惠数量（总份数）").fill("8");
    await e.getByLabel("服务券有效期（天）").fill("45");
    await e.locator("#edit-checks li.pass", { hasText: "保存后剩余 8 份" }).waitFor();
    await j.shot(b, "edit");
    await e.getByRole("button", { name: "保存修改" }).click();
    await b.locator("#manage-flash", { hasText: "优惠数量 8 份" }).waitFor();
    await b.locator("#manage-flash", { hasText: "有效期 45 天" }).waitFor();
    let d = await apiGet("/api/products/" + pid);
    if (d.units_total !== 8 || d.validity_days !== 45) throw new Error("not saved: " + JSON.stringify(d));
    // an invalid validity: flagged as typed, and the API's refusal beside the field
    await e.getByLabel("服务券有效期（天）").fill("61");
    await e.locator("#edit-checks li.fail", { hasText: "服务券有效期" }).waitFor();
    j.allow(422, /\/api\/bureau\/products\/\d+$/);
    await e.getByRole("button", { name: "保存修改" }).click();
    await e.locator(".field-err", { hasText: "服务券有效期须为 1 到 60 天" }).waitFor();
    if ((await e.getByLabel("服务券有效期（天）").getAttribute("aria-invalid")) !== "true") throw new Error("the field is not marked");
    await j.shot(b, "refused");
    if (/null|undefined/.test(await b.locator("#view").textContent())) throw new Error("a missing value shown as text");
    d = await apiAs(tok, "GET", "/api/bureau/products?q=" + encodeURIComponent(prodName));
    if (d.items[0].validity_days !== 45) throw new Error("a refused change was stored");
    // delisted: gone from the public catalog; relisted
    const pub = await j.page({ viewport: { width: 1280, height: 900 } });
    await pub.goto(BASE + "/?q=" + encodeURIComponent(stamp));
    await pub.locator(".card h2", { hasText: prodName }).waitFor();
    await e.getByRole("button", { name: "下架" }).click();
    await confirmDialog(b, "确认下架");
    await b.locator("#manage-flash", { hasText: "已下架" }).waitFor();
    await pub.goto(BASE + "/?q=" + encodeURIComponent(prodName));
    await pub.locator("#status", { hasText: "没有符合条件的产品" }).waitFor();
    await j.shot(pub, "catalog-delisted");
    await b.locator("#product-edit").getByRole("button", { name: "重新上架" }).click();
    await b.locator("#manage-flash", { hasText: "已重新上架" }).waitFor();
    await j.shot(b, "relisted");
    // the provider: flagged, its product stops being orderable at once
    await b.goto(BASE + "/bureau.html#/providers?q=" + encodeURIComponent(provName));
    await b.getByRole("link", { name: provName }).click();
    await b.locator("#provider-status", { hasText: "正常" }).waitFor();
    await j.shot(b, "provider");
    await b.locator("#provider-credit").getByRole("button", { name: "标记为信用异常" }).click();
    await b.locator("#manage-flash", { hasText: "已标记为信用异常" }).waitFor();
    await b.locator("#provider-products", { hasText: "暂停下单" }).waitFor();
    await j.shot(b, "provider-flagged");
    await pub.goto(BASE + "/product.html?id=" + pid);
    await pub.locator("#unorderable", { hasText: "暂停下单" }).waitFor();
    await pub.locator("#order", { hasText: "暂停下单" }).waitFor();
    await j.shot(pub, "product-not-orderable");
    // listing a new product for it is refused, the message beside the provider
    await b.locator("#provider-products").getByRole("link", { name: /直接上架/ }).click();
    const c2 = b.locator("#product-create");
    await c2.waitFor();
    if ((await c2.getByLabel("服务机构编号").inputValue()) !== String(prov.id)) throw new Error("provider not prefilled");
    await c2.getByLabel("产品名称").fill(prodName + "二");
    await c2.getByLabel("市场价（元）").fill("1000.00");
    await c2.getByLabel("配券价（元）").fill("800.00");
    await c2.getByLabel("优惠数量（份）").fill("5");
    await c2.getByLabel("服务内容").fill("合同审查。");
    j.allow(422, /\/api\/bureau\/products$/);
    await c2.getByRole("button", { name: "上架" }).click();
    await c2.locator(".field-err", { hasText: "严重失信记录，不能上架产品" }).waitFor();
    await j.shot(b, "listing-refused");
    // the flag cleared: orderable again
    await b.goto(BASE + "/bureau.html#/providers/" + prov.id);
    await b.locator("#provider-credit").getByRole("button", { name: "清除信用异常" }).click();
    await b.locator("#manage-flash", { hasText: "已清除信用异常" }).waitFor();
    await b.locator("#provider-status", { hasText: "正常" }).waitFor();
    for (let i = 0; ; i++) {   // past nginx's one-second micro-cache
      await pub.goto(BASE + "/product.html?id=" + pid);
      await pub.locator("#order").waitFor();
      if ((await pub.locator("#order").textContent()).includes("立即下单")) break;
      if (i > 20) throw new Error("the product did not become orderable again");
      await new Promise((res) => setTimeout(res, 250));
    }
    await j.shot(pub, "product-orderable");
    // barred (V2): the provider's products are delisted at once
    const v = b.locator("#provider-violation");
    await v.getByLabel("情况说明").fill("旅程十一：虚报合同金额。");
    await v.getByRole("button", { name: "记录违规" }).click();
    await confirmDialog(b, "确认记录");
    await b.locator("#provider-status", { hasText: "已取消资格" }).waitFor();
    await b.locator("#provider-products", { hasText: "已下架" }).waitFor();
    await j.shot(b, "provider-barred");
    if (/null|undefined/.test(await b.locator("#view").textContent())) throw new Error("a missing value shown as text");
    j.check(); await j.close();
  }],

  ["journey_a11y_keyboard_alone_enterprise_logs_in_finds_orders_and_sees_its_order", async (browser) => {
    // issue 16 §5: the whole order with the keyboard alone (Tab, Shift+Tab,
    // Enter, Space, the arrow keys, Escape; typing into what has the
    // focus), the focus visible at every stop
    const j = new Journey(browser, "a11y-keyboard");
    const p = await j.page({ viewport: { width: 1280, height: 900 } });
    const k = p.keyboard;
    await p.goto(BASE + "/");
    await p.locator(".card").first().waitFor();
    // the first stop is the skip link; Enter puts the focus on the content
    const skip = await keyTo(j, p, "the skip link", () => true);
    if (skip.text !== "跳到正文") throw new Error("the first Tab stop is not the skip link: " + stopName(skip));
    await j.shot(p, "skip-link");
    await k.press("Enter");
    if ((await p.evaluate(() => document.activeElement.id)) !== "main") throw new Error("the skip link does not move the focus to the content");
    // back to the header's 登录 link
    await keyTo(j, p, "the header's login link", (f) => f.tag === "a" && f.text === "登录", "Shift+Tab");
    await k.press("Enter");
    await p.waitForURL(/login\.html/);
    await p.waitForFunction(() => document.activeElement && document.activeElement.id === "login-name");
    await focusVisibleNow(j, p, "the login page's first field");
    await k.type("ent16");
    await keyTo(j, p, "the password", (f) => f.id === "password");
    await k.type(PASSWORD);
    await j.shot(p, "login");
    await k.press("Enter");
    await p.waitForURL(/ent\.html/);
    await p.locator("#allowance").waitFor();
    await j.shot(p, "console");
    // the catalog: the category bar is one Tab stop, the arrows move in it
    await keyTo(j, p, "the header's catalog link", (f) => f.tag === "a" && f.text === "服务产品");
    await k.press("Enter");
    await p.waitForURL((u) => u.pathname === "/");
    await p.locator(".card").first().waitFor();
    await keyTo(j, p, "the category bar", (f) => f.pressed === "true");
    await keyTo(j, p, "the category " + CATEGORY, (f) => f.text.startsWith(CATEGORY), "ArrowRight", 20);
    await k.press("Space");
    await p.waitForFunction((c) => { const cards = [...document.querySelectorAll(".card .prov")];
      return cards.length && cards.every((e) => e.textContent.includes(c)); }, CATEGORY);
    if ((await focused(p)).pressed !== "true") throw new Error("Space did not press the category");
    await j.shot(p, "category");
    const next = await keyTo(j, p, "the search box", (f) => f.id === "q" || f.tag === "a");
    if (next.id !== "q") throw new Error("Tab from the category bar goes to " + stopName(next) + ", not the search box (one stop for the bar)");
    await k.type(PRODUCT_QUERY);
    await k.press("Enter");
    await p.waitForFunction((q) => { const c = [...document.querySelectorAll(".card h2")]; return c.length && c.every((e) => e.textContent.includes(q)); }, PRODUCT_QUERY);
    await j.shot(p, "search");
    const card = await keyTo(j, p, "a product that can be ordered", (f) => f.tag === "a" && f.card && !/已售罄|暂停下单/.test(f.card));
    await k.press("Enter");
    await p.waitForURL(/product\.html\?id=\d+/);
    await p.getByRole("heading", { level: 1, name: card.text }).waitFor();
    await j.shot(p, "product");
    await keyTo(j, p, "立即下单", (f) => f.id === "order");
    await k.press("Enter");
    await p.waitForURL(/ent\.html#\/new\/\d+/);
    await p.locator("#formula").waitFor();
    // the contact: typed where empty (a first order has none to default to)
    const name = await keyTo(j, p, "the contact's name", (f) => f.name === "contact_name");
    if (!name.value) await k.type("键盘测试");
    // a wrong mobile: the error is announced (role=alert), tied to the
    // field (aria-describedby, aria-invalid) and the focus goes back to it
    await keyTo(j, p, "the contact's mobile", (f) => f.name === "contact_mobile");
    await k.press("ControlOrMeta+A");
    await k.type("12345");
    await keyTo(j, p, "确认下单", (f) => f.id === "place-order");
    await k.press("Space");
    await p.waitForFunction(() => document.activeElement.name === "contact_mobile");
    const told = await p.evaluate(() => {
      const e = document.activeElement, d = document.getElementById(e.getAttribute("aria-describedby") || "");
      return { invalid: e.getAttribute("aria-invalid"), text: d ? d.textContent : "", role: d ? d.getAttribute("role") : "" };
    });
    if (told.invalid !== "true" || !/11 位手机号码/.test(told.text) || told.role !== "alert")
      throw new Error("the wrong mobile is not announced beside its field: " + JSON.stringify(told));
    await focusVisibleNow(j, p, "the field in error");
    await j.shot(p, "mobile-refused");
    await k.press("ControlOrMeta+A");
    await k.type("13900001111");
    await keyTo(j, p, "确认下单", (f) => f.id === "place-order");
    await j.shot(p, "confirm");
    await k.press("Space");
    await p.waitForURL(/ent\.html#\/orders\/\d+/);
    await p.locator(".success").waitFor();
    const orderNo = /订单 (\S+)/.exec(await p.locator("#o-h").textContent())[1];
    await j.shot(p, "ordered");
    // a dialog: Enter opens it with the focus inside, Escape closes it and
    // the focus returns to the button (the order stays)
    await keyTo(j, p, "取消订单", (f) => f.id === "cancel");
    await k.press("Enter");
    await p.locator("dialog[open]").waitFor();
    const inDialog = await p.evaluate(() => !!document.activeElement.closest("dialog[open]"));
    if (!inDialog) throw new Error("the dialog opened without the focus in it");
    await focusVisibleNow(j, p, "the dialog's first button");
    await j.shot(p, "cancel-dialog");
    await k.press("Escape");
    await p.locator("dialog").waitFor({ state: "detached" });
    if ((await p.evaluate(() => document.activeElement.id)) !== "cancel") throw new Error("Escape did not return the focus to 取消订单");
    await focusVisibleNow(j, p, "back on 取消订单");
    await keyTo(j, p, "the order list", (f) => f.tag === "a" && f.text === "我的订单", "Shift+Tab");
    await k.press("Enter");
    await p.locator("table", { hasText: orderNo }).waitFor();
    if (!(await p.locator("table tr", { hasText: orderNo }).getByText("待接单").count())) throw new Error("the order is not pending in the list");
    await j.shot(p, "my-orders");
    j.check(); await j.close();
  }],

  ["journey_a11y_phone_public_pages_and_the_enterprise_order_pages", async (browser) => {
    // issue 16 §5: at 375 × 667 (device scale 2, touch) every public page
    // and the enterprise's order pages: zoom allowed, no sideways scroll,
    // text ≥ 14px, targets ≥ 24 × 24, and axe
    const j = new Journey(browser, "a11y-phone");
    const p = await j.page(PHONE);
    await p.goto(BASE + "/");
    await p.locator(".card").first().waitFor();
    await phoneCheck(j, p, "home");
    const pid = await orderableProduct();
    await p.goto(BASE + "/product.html?id=" + pid);
    await p.waitForFunction(() => { const e = document.getElementById("evaluations"); return e && !/加载中/.test(e.textContent); });
    await phoneCheck(j, p, "product");
    await p.goto(BASE + "/publicity.html");
    await p.locator("#batches :is(table, .empty)").first().waitFor();
    await phoneCheck(j, p, "publicity");
    const batch = await p.locator("#batches a[href*='batch=']").first().getAttribute("href").catch(() => null);
    if (batch) {
      await p.goto(new URL(batch, BASE + "/publicity.html").href);
      await p.locator("#batch table, #batch .empty").first().waitFor();
      await phoneCheck(j, p, "publicity-batch");
    }
    for (const page of ["register", "join"]) {
      await p.goto(`${BASE}/${page}.html`);
      await p.locator("form").first().waitFor();
      await phoneCheck(j, p, page);
    }
    await p.goto(BASE + "/login.html?next=" + encodeURIComponent("/ent.html#/orders"));
    await phoneCheck(j, p, "login");
    await p.getByLabel("账号").fill("ent17");
    await p.getByLabel("密码").fill(PASSWORD);
    await p.getByRole("button", { name: "登录" }).click();
    await p.waitForURL(/ent\.html#\/orders/);
    await p.locator("#view table").waitFor();
    await phoneCheck(j, p, "my-orders");
    await p.locator("#view table tbody a").first().click();
    await p.locator("#timeline").waitFor();
    await phoneCheck(j, p, "order");
    await p.goto(BASE + "/ent.html#/new/" + pid);
    await p.locator("#formula").waitFor();
    await phoneCheck(j, p, "confirm-order");
    j.check(); await j.close();
  }],
  ["journey_a11y_every_console_screen_passes_axe", async (browser) => {
    // issue 16 §5: each screen of each console's menu (#subnav), as each
    // role sees it first, and the inbox, checked by axe (Journey.shot); a
    // screen added to a menu is checked without a new step
    const j = new Journey(browser, "a11y-screens");
    const consoles = [["bureau", "/bureau.html"], ["reviewer", "/review.html"], ["prov01", "/prov.html"],
      ["prov01", "/org.html"], ["ent01", "/ent.html"], ["ent01", "/org.html"]];
    const seen = new Set();
    for (const [who, page] of consoles) {
      const p = await j.page({ viewport: { width: 1280, height: 900 } });
      await login(j, p, who, page);
      await p.locator("#subnav a").first().waitFor();
      await settle(p);
      const hashes = await p.locator("#subnav a").evaluateAll((as) => as.map((a) => a.getAttribute("href")).filter((h) => h.startsWith("#/")));
      if (!hashes.length) throw new Error(page + " has no menu");
      for (const h of hashes) {
        await p.goto(BASE + page + h);
        await p.waitForFunction(() => { const v = document.getElementById("view"); return v && v.children.length && !/加载中/.test(v.textContent); });
        await settle(p);
        await j.shot(p, `${who}-${page.slice(1, -5)}-${h.slice(2).replace(/\W+/g, "-")}`);
        seen.add(page + h);
      }
      if (!seen.has("/messages.html " + who)) {
        await p.goto(BASE + "/messages.html");
        await p.locator("#view > *").first().waitFor();
        await settle(p);
        await j.shot(p, `${who}-messages`);
        seen.add("/messages.html " + who);
      }
      await p.context().close();
    }
    j.check(); await j.close();
  }],

  ["journey12_scorecards", async (browser) => {
    // issue 16 §4: a provider reads its own scorecard; the bureau opens one
    // from its providers list; the reviewer sees it from the application
    // queue and beside a pending application
    const j = new Journey(browser, "journey12");
    const p = await j.page({ viewport: { width: 1280, height: 900 } });
    await login(j, p, "prov01", "/prov.html#/scorecard");
    const own = p.locator("section.scorecard");
    await own.getByRole("cell", { name: "48小时内接单" }).waitFor();
    await own.getByRole("columnheader", { name: "同类中位数" }).first().waitFor();
    await j.shot(p, "prov-scorecard");
    const b = await j.page({ viewport: { width: 1280, height: 900 } });
    await login(j, b, "bureau", "/bureau.html#/providers");
    await b.getByRole("link", { name: "评分卡", exact: true }).first().click();
    await b.waitForURL(/#\/scorecard\/[0-9]+/);
    await b.locator("section.scorecard").getByRole("cell", { name: "服务质量" }).waitFor();
    await j.shot(b, "bureau-scorecard");
    const rv = await j.page({ viewport: { width: 1280, height: 900 } });
    await login(j, rv, "reviewer", "/review.html#/applications");
    await rv.getByRole("link", { name: "评分卡", exact: true }).first().click();
    await rv.waitForURL(/#\/scorecard\/[0-9]+/);
    await rv.locator("section.scorecard").getByRole("cell", { name: "拒绝接单" }).waitFor();
    await j.shot(rv, "review-scorecard");
    await rv.goto(BASE + "/review.html#/applications");
    await rv.getByRole("link", { name: "审核", exact: true }).first().click();
    await rv.waitForURL(/#\/applications\/[0-9]+/);
    await rv.locator("section.scorecard").getByRole("cell", { name: "收到订单" }).waitFor();
    await j.shot(rv, "review-application-scorecard");
    // issue 16 §3: the public batch page links the batch's open data
    const pub = await j.page({ viewport: { width: 1280, height: 900 } });
    const batches = await apiGet("/api/publicity/batches");
    const bid = batches.items[0].id;
    await pub.goto(BASE + "/publicity.html?batch=" + bid);
    const od = pub.locator("#open-data");
    await od.waitFor();
    if ((await od.getAttribute("href")) !== `/api/publicity/batches/${bid}.360g.json`) throw new Error("open data link");
    const pkg = await apiGet(`/api/publicity/batches/${bid}.360g.json`);
    if (!Array.isArray(pkg.grants) || !pkg.grants.length) throw new Error("open data package without grants");
    await j.shot(pub, "publicity-open-data");
    j.check(); await j.close();
  }],
];

// ---- the runner ----------------------------------------------------------------
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
// Journeys 2-5 continue journey 1's story (ctx) and journey 10 journey 5's
// paid order: a filter that picks one runs the story before it too.
const STORY = ["journey1_", "journey2_", "journey3_", "journey4_", "journey5_"];
const storyBefore = (name) => name.startsWith("journey10_") ? STORY
  : STORY.slice(0, Math.max(0, STORY.findIndex((s) => name.startsWith(s))));
const selected = new Set(journeys.map(([name]) => name)
  .filter((name) => !filter || name.includes(filter) || "journeys".includes(filter)));
for (const name of [...selected]) {
  for (const s of storyBefore(name)) {
    for (const [m] of journeys) if (m.startsWith(s)) selected.add(m);
  }
}
let passed = 0, failed = 0;
for (const [name, fn] of journeys) {
  if (!selected.has(name)) continue;
  const t0 = Date.now();
  try {
    await fn(browser);
    passed++;
    console.log(`ok ${name} (${((Date.now() - t0) / 1000).toFixed(2)}s)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n${e.stack || e}`);
    // what else it had found before failing (console errors, axe violations)
    if (current && current.errors.length && !String(e.message).includes(current.errors[0])) console.log(current.errors.join("\n"));
  } finally {
    clearClock();
  }
}
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
