// The provider's console: the order inbox with a live countdown to each
// 48-hour deadline (O4), accept or decline, the contract form with the
// subsidy and self-paid amount computed as typed (O9), the five documents
// with a progress bar each (R1), the claim figures with each R2 check
// shown live, the irreversible submission (R3), and my applications.
import {
  $, $$, el, get, post, put, api, yuan, toFen, fenInput, when, untilText, today, countdown, badge, table, empty, clockCell,
  pager, field, formErr, busy, confirmDialog, requireRole, requireCertified, router, upload, showError, clearErrors,
  ApiError, ORDER_STATUS, ratingFacts, starsText,
} from "./lib.js";
import { applications, application } from "./apps.js";
import { scorecard } from "./scorecard.js";

const view = $("#view");
const KINDS = [
  ["contract", "服务合同（双方盖章）"],
  ["commitment", "划型及用券承诺书（企业盖章）"],
  ["invoice", "发票"],
  ["invoice_check", "发票查验结果"],
  ["receipt", "银行收款回单"],
];
let timer = 0;

if (requireCertified("provider")) {
  $("#subnav").replaceChildren(
    el("a", { href: "#/inbox" }, "订单"),
    el("a", { href: "#/applications" }, "产品申报"),
    el("a", { href: "#/evaluations" }, "企业评价"),
    el("a", { href: "#/scorecard" }, "服务评分卡"));
  // a message's link (issue 16): ?order=ID opens that order
  const deep = new URLSearchParams(location.search).get("order");
  if (deep && /^[0-9]+$/.test(deep) && !location.hash) location.hash = "#/orders/" + deep;
  router({
    "inbox": inbox, "orders/:id": order, "evaluations": evaluations,
    "scorecard": () => scorecard(view, null),
    "applications": (p) => applications(view, p), "applications/:id": (p) => application(view, p),
  }, () => { location.hash = "#/inbox"; });
}

function tick() {
  for (const c of $$(".countdown[data-deadline]")) {
    const left = countdown(c.dataset.deadline);
    c.textContent = left ? "剩余 " + left : "已超时";
    c.classList.toggle("urgent", !left || new Date(c.dataset.deadline) - Date.now() < 6 * 3600e3);
  }
}
function startTicking() { clearInterval(timer); tick(); timer = setInterval(tick, 1000); }

function deadlineCell(o) {
  if (o.status === "pending") return el("span", { class: "countdown", "data-deadline": o.accept_deadline });
  if (["accepted", "contracted"].includes(o.status)) return el("span", {}, "有效期至 " + untilText(o.valid_until), el("br"), clockCell(o.clock));
  return clockCell(o.clock);
}
// issue 16: the inbox sorted by time left (those without a deadline last)
const timeLeft = (o) => (o.clock && o.clock.deadline ? o.clock.seconds_left : Infinity);

async function inbox({ query }) {
  const status = query.get("status") || "";
  const page = Number(query.get("page")) || 1;
  const qs = new URLSearchParams({ page, per_page: 20 });
  if (status) qs.set("status", status);
  const r = await get("/api/provider/orders?" + qs);
  const filter = field("按状态筛选", { tag: "select", name: "status", value: status,
    options: [["", "全部"], ...Object.entries(ORDER_STATUS)] });
  filter.querySelector("select").addEventListener("change", (ev) => { location.hash = "#/inbox?status=" + ev.target.value; });
  view.replaceChildren(
    el("h2", {}, "订单收件箱"),
    el("p", { class: "muted" }, "新订单须在下单后 48 小时内接单或拒单，超时系统自动取消（《工作指南》五（二）4）。"),
    filter,
    r.items.length ? table(["订单编号", "服务产品", "企业", "状态", "接单期限 / 有效期 / 办理时限", "下单时间"], [...r.items].sort((a, b) => timeLeft(a) - timeLeft(b)).map((o) => [
      el("a", { href: "#/orders/" + o.id }, o.order_no), o.product_name, o.enterprise_name, badge(o.status),
      deadlineCell(o), when(o.ordered_at)])) : empty("暂无订单"),
    pager(r, (p) => { location.hash = `#/inbox?status=${status}&page=${p}`; }));
  startTicking();
}

// O9 in integers: base = amount for ≤ 12 months, else one year's share;
// at most what the order reserved when placed (a corrected contract may
// take back what an earlier one released, while the enterprise's
// allowance still has it)
function subsidyOf(amount, months, limit) {
  const base = months <= 12 ? amount : Math.floor((amount * 12) / months);
  return Math.min(Math.floor((base * 30) / 100), 5000000, limit);
}

async function order({ id }) {
  clearInterval(timer);
  const o = await get("/api/provider/orders/" + id);
  const flash = sessionStorage.getItem("flash");
  sessionStorage.removeItem("flash");
  const parts = [];
  if (flash) parts.push(el("p", { class: "success", role: "status" }, flash));
  const info = el("section", { class: "panel", "aria-labelledby": "o-h" },
    el("h2", { id: "o-h" }, `订单 ${o.order_no} `, badge(o.status)),
    el("dl", { class: "kv" },
      el("dt", {}, "服务产品"), el("dd", {}, o.product_name),
      el("dt", {}, "企业"), el("dd", {}, o.enterprise_name),
      el("dt", {}, "配券价"), el("dd", {}, yuan(o.voucher_price)),
      el("dt", {}, "企业占用补贴额度"), el("dd", {}, yuan(o.reserved)),
      el("dt", {}, "下单时间"), el("dd", {}, when(o.ordered_at)),
      el("dt", {}, "接单截止"), el("dd", {}, when(o.accept_deadline), " ", o.status === "pending" ? el("span", { class: "countdown", "data-deadline": o.accept_deadline }) : null),
      el("dt", {}, "有效期至"), el("dd", {}, el("span", { id: "valid-until" }, untilText(o.valid_until)), "（北京时间）"),
      o.status_reason ? [el("dt", {}, "说明"), el("dd", {}, o.status_reason)] : null));
  parts.push(info);
  // the enterprise's contact for this order: only this provider sees it
  parts.push(el("section", { class: "panel", id: "contact", "aria-labelledby": "ct-h" },
    el("h2", { id: "ct-h" }, "企业联系人"),
    o.contact ? el("dl", { class: "kv" },
      el("dt", {}, "联系人"), el("dd", { id: "contact-name" }, o.contact.name),
      el("dt", {}, "联系电话"), el("dd", {}, el("a", { id: "contact-mobile", href: "tel:" + o.contact.mobile }, o.contact.mobile)))
      : el("p", { class: "muted" }, "企业下单时未填写联系人。")));
  if (o.status === "pending") parts.push(acceptPanel(o));
  if (o.status === "accepted") parts.push(await contractPanel(o));
  if (o.contract) parts.push(contractFacts(o.contract));
  if (o.status === "contracted") parts.push(el("details", { class: "panel", id: "correct" }, el("summary", {}, "更正服务合同"), await contractPanel(o)));
  if (["contracted", "submitted", "approved", "publicized", "paid", "rejected"].includes(o.status)) parts.push(...(await claimPanels(o)));
  if (o.status === "paid" || o.status === "refunded") parts.push(refundPanel(o));
  parts.push(el("p", {}, el("a", { href: "#/inbox" }, "← 返回订单收件箱")));
  view.replaceChildren(...parts);
  startTicking();
}

// A refund after payment, or a service not really delivered: the provider
// reports it and the subsidy's share is set for recovery (《工作指南》七、4)
function refundPanel(o) {
  const form = el("form", { class: "panel", id: "refund", novalidate: true, "aria-labelledby": "rf-h" },
    el("h2", { id: "rf-h" }, "报告退款"),
    el("p", { class: "muted" }, "服务券兑付后，如有未开展实质服务或全部、部分退款的情况，服务机构应主动上报，并配合退回相应的补贴资金（《工作指南》七、4）。应退补贴 = 补贴 × 退款金额 ÷ 合同金额。"),
    el("div", { class: "grid2" },
      field("情形", { tag: "select", name: "kind", options: [["refund", "全部或部分退款"], ["not_delivered", "服务未实际开展"]] }),
      field("退款金额（元）", { name: "amount", inputmode: "decimal" }, "服务未实际开展时可不填：按合同余额计")),
    field("说明", { tag: "textarea", name: "reason", required: true, maxlength: 400 }), formErr(),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "报告退款")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const f = form.elements;
    const body = { kind: f.kind.value, reason: f.reason.value.trim() };
    if (f.amount.value.trim()) {
      const fen = toFen(f.amount.value);
      if (fen === null) return showError(form, new ApiError(400, "bad", "请填写正确的金额", "amount"));
      body.amount = fen;
    }
    if (!body.reason) return showError(form, new ApiError(400, "bad", "请说明退款情况", "reason"));
    if (!(await confirmDialog("报告退款？", "报告后应退的补贴将列入追回，此操作不可撤销。", "确认报告"))) return;
    busy(form.querySelector("button[type=submit]"), form, async () => {
      const r = await post(`/api/provider/orders/${o.id}/refund`, body);
      sessionStorage.setItem("flash", r.recovery ? `已报告退款，应退补贴 ${yuan(r.recovery.amount_due)} 已列入追回。` : "已报告退款。");
      order({ id: o.id });
    });
  });
  return form;
}

// What enterprises said of this provider's services: averages per product
// and aspect, and every rating with its order
async function evaluations({ query }) {
  clearInterval(timer);
  const page = Number(query.get("page")) || 1;
  const r = await get(`/api/provider/evaluations?page=${page}`);
  view.replaceChildren(el("h2", {}, "企业评价"),
    r.by_product.length ? el("div", { id: "eval-products" }, ...r.by_product.map((s) => el("section", { class: "panel" },
      el("h3", {}, s.product_name), ratingFacts(s)))) : empty("暂无评价"),
    r.items.length ? table(["订单", "产品", "评分", "评价内容", "时间"], r.items.map((e) => [
      el("a", { href: "#/orders/" + e.order_id }, e.order_no), e.product_name, el("span", { class: "stars" }, starsText(e)),
      e.comment || "—", when(e.created_at)]), "每条评价") : null,
    pager(r, (n) => { location.hash = "#/evaluations?page=" + n; }));
}

function acceptPanel(o) {
  const accept = el("button", { type: "button", class: "primary", id: "accept" }, "接单");
  const reason = field("拒单理由", { tag: "textarea", name: "reason", maxlength: 500, id: "decline-reason" });
  const decline = el("button", { type: "button", id: "decline" }, "拒单");
  const p = el("section", { class: "panel", "aria-labelledby": "a-h" }, el("h2", { id: "a-h" }, "接单或拒单"),
    el("div", { class: "actions" }, accept), el("details", {}, el("summary", {}, "拒绝此订单"), reason, decline), formErr());
  accept.addEventListener("click", () => busy(accept, p, async () => {
    await post(`/api/provider/orders/${o.id}/accept`);
    sessionStorage.setItem("flash", "已接单。请与企业签订服务合同并录入合同信息。");
    order({ id: o.id });
  }));
  decline.addEventListener("click", async () => {
    const text = $("#decline-reason").value.trim();
    if (!text) return showError(p, new ApiError(400, "missing", "请填写拒单理由", "reason"));
    if (!(await confirmDialog("拒绝订单？", "拒单后订单取消，企业的名额和额度将释放，此操作不可撤销。", "确认拒单"))) return;
    busy(decline, p, async () => { await post(`/api/provider/orders/${o.id}/decline`, { reason: text }); sessionStorage.setItem("flash", "已拒单。"); order({ id: o.id }); });
  });
  return p;
}

async function contractPanel(o) {
  const ref = await get(`/api/provider/orders/${o.id}/reference`);
  const c = o.contract || {};
  const preview = el("dl", { class: "kv", id: "contract-preview", "aria-live": "polite" });
  const form = el("form", { class: "panel", id: "contract-form", novalidate: true, "aria-labelledby": "k-h" },
    el("h2", { id: "k-h" }, o.contract ? "更正服务合同" : "录入服务合同"),
    el("p", { class: "muted" }, "合同须以列表形式列明以下订单信息（《工作指南》五（二）7）："),
    el("pre", { class: "formula" }, ref.text),
    el("div", { class: "grid2" },
      field("合同编号", { name: "contract_no", maxlength: 64, required: true, value: c.contract_no || "" }),
      field("合同金额（元）", { name: "amount", inputmode: "decimal", required: true, value: fenInput(c.amount ?? o.voucher_price) }),
      field("签订日期", { name: "signed_on", type: "date", required: true, value: c.signed_on || today() }),
      field("服务开始日期", { name: "service_start_on", type: "date", required: true, value: c.service_start_on || today() }),
      field("服务期（月）", { name: "period_months", type: "number", min: 1, max: 120, required: true, value: c.period_months || 12 })),
    el("h3", {}, "补贴与企业自付（实时计算）"), preview,
    el("p", { class: "muted" }, "补贴 = min(年度合同额 × 30%, 50,000 元, 企业下单时占用的额度)；服务期超过 12 个月时按一年的份额计算。多占用的额度在录入后立即释放；更正合同时补贴最多恢复到下单时占用的额度，须企业本年度剩余额度足够。"),
    formErr(),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "保存合同")));
  const calc = () => {
    const amount = toFen(form.elements.amount.value), months = Number(form.elements.period_months.value);
    if (amount === null || !(months >= 1)) { preview.replaceChildren(el("dd", { class: "muted" }, "请填写合同金额和服务期")); return; }
    const s = subsidyOf(amount, months, Math.max(o.reserved_at_order ?? 0, o.reserved));
    preview.replaceChildren(
      el("dt", {}, "服务券抵用（补贴）"), el("dd", {}, el("b", { id: "calc-subsidy" }, yuan(s))),
      el("dt", {}, "企业自付"), el("dd", {}, el("b", { id: "calc-self" }, yuan(amount - s))));
  };
  form.addEventListener("input", calc);
  calc();
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = form.elements;
    const amount = toFen(f.amount.value);
    if (amount === null) return showError(form, new ApiError(400, "bad", "请输入正确的金额，如 4500 或 4500.00", "amount"));
    busy(form.querySelector("button[type=submit]"), form, async () => {
      await put(`/api/provider/orders/${o.id}/contract`, {
        contract_no: f.contract_no.value.trim(), signed_on: f.signed_on.value, service_start_on: f.service_start_on.value,
        amount, period_months: Number(f.period_months.value) });
      sessionStorage.setItem("flash", "合同已保存。请上传兑付材料并填写发票和收款信息。");
      order({ id: o.id });
    });
  });
  return form;
}

function contractFacts(c) {
  return el("section", { class: "panel" }, el("h2", {}, "服务合同"), el("dl", { class: "kv" },
    el("dt", {}, "合同编号"), el("dd", {}, c.contract_no),
    el("dt", {}, "签订日期"), el("dd", {}, c.signed_on),
    el("dt", {}, "合同金额"), el("dd", {}, yuan(c.amount)),
    el("dt", {}, "服务期"), el("dd", {}, c.period_months + " 个月"),
    el("dt", {}, "服务券抵用（补贴）"), el("dd", {}, el("b", { id: "subsidy" }, yuan(c.subsidy))),
    el("dt", {}, "企业自付"), el("dd", {}, el("b", { id: "self-paid" }, yuan(c.self_paid)))));
}

const CLAIM_STATUS = { submitted: "待初审", approved: "初审通过", rejected: "初审不通过", returned: "退回补正" };
const ROUND_DECISION = { approved: "初审通过", rejected: "初审不通过", returned: "退回补正" };
const FIG = [
  ["invoice_no", "发票号码", "text"], ["invoice_date", "开票日期", "date"],
  ["invoice_total", "发票总金额（元）", "money"], ["invoice_voucher_amount", "其中服务券抵用金额（元）", "money"],
  ["invoice_self_paid", "其中企业自付金额（元）", "money"], ["receipt_date", "银行收款日期", "date"],
  ["receipt_amount", "银行收款金额（元）", "money"],
];

// The R2 checks, as the redemption program makes them, on what is typed.
function liveChecks(c, f) {
  const money = (n) => toFen(f[n]);
  const out = [];
  const date = (code, label, v) => out.push(v ? { code, pass: v >= c.signed_on, message: `${label} ${v} ${v >= c.signed_on ? "不早于" : "早于"}合同签订日期 ${c.signed_on}` }
    : { code, pass: false, message: `尚未填写${label}` });
  const eq = (code, label, v, other, otherLabel) => out.push(v === null ? { code, pass: false, message: `尚未填写${label}` }
    : { code, pass: v === other, message: `${label} ${yuan(v)} ${v === other ? "等于" : "不等于"}${otherLabel} ${yuan(other)}` });
  date("invoice_date", "开票日期", f.invoice_date);
  date("receipt_date", "收款日期", f.receipt_date);
  eq("invoice_voucher_amount", "发票服务券抵用金额", money("invoice_voucher_amount"), c.subsidy, "合同补贴金额");
  eq("invoice_self_paid", "发票企业自付金额", money("invoice_self_paid"), c.self_paid, "合同企业自付金额");
  const v = money("invoice_voucher_amount"), s = money("invoice_self_paid");
  eq("invoice_total", "发票总额", money("invoice_total"), v !== null && s !== null ? v + s : null, "服务券抵用与自付之和");
  eq("receipt_amount", "银行收款金额", money("receipt_amount"), s, "发票企业自付金额");
  return out;
}

// The guide's "other files" (除其他文件外，每种文件仅可上传一个): up to
// ten further PDFs, each with a title; deleted until submission.
const OTHER_MAX = 10;
function otherFiles(o, list, frozen) {
  const box = el("div", { class: "other-files", id: "other-files" });
  const render = (items) => {
    const ul = el("ul", { id: "other-list" }, ...items.map((f) => {
      const del = frozen ? null : el("button", { type: "button", class: "link", "data-slot": f.slot }, "删除");
      if (del) del.addEventListener("click", async () => {
        if (!(await confirmDialog("删除该文件？", `将删除“${f.title}”。`, "确认删除"))) return;
        busy(del, box, async () => {
          await api("DELETE", `/api/redemptions/${o.id}/files/other/${f.slot}`);
          render((await get("/api/redemptions/" + o.id)).other_files);
        });
      });
      return el("li", {}, el("a", { href: `/api/redemptions/${o.id}/files/other/${f.slot}`, download: "" }, f.title),
        `（${Math.ceil(f.size / 1024)} KB）`, del ? " " : "", del);
    }));
    const parts = [el("h3", {}, `其他文件（选填，最多 ${OTHER_MAX} 个，如交付报告）`),
      items.length ? ul : el("p", { class: "muted", id: "other-list" }, "尚未上传其他文件")];
    if (!frozen && items.length < OTHER_MAX) {
      const title = field("文件名称", { name: "other_title", id: "other-title", maxlength: 100 }, "如“交付报告”");
      const input = el("input", { type: "file", accept: "application/pdf,.pdf", id: "other-file", "aria-label": "选择其他文件（PDF）" });
      const prog = el("progress", { max: 100, value: 0, id: "prog-other", "aria-label": "其他文件上传进度" });
      const err = el("span", { class: "field-err", id: "other-file-err", role: "alert" });
      input.addEventListener("change", async () => {
        const file = input.files[0];
        if (!file) return;
        err.textContent = "";
        const t = box.querySelector("#other-title").value.trim();
        if (!t) { err.textContent = "请先填写文件名称"; input.value = ""; return; }
        if (!/\.pdf$/i.test(file.name) && file.type !== "application/pdf") { err.textContent = "只能上传 PDF 文件"; input.value = ""; return; }
        try {
          await upload(`/api/redemptions/${o.id}/files/other?title=${encodeURIComponent(t)}`, file, (p) => { prog.value = p; });
          render((await get("/api/redemptions/" + o.id)).other_files);
        } catch (e) { prog.value = 0; err.textContent = e.message; }
      });
      parts.push(el("div", { class: "upload-row" }, title, el("div", {}, input, err), el("div", {}, prog)));
    }
    box.replaceChildren(...parts);
  };
  render(list);
  return box;
}

function checkList(checks) {
  return el("ul", { class: "checks", id: "checks", "aria-live": "polite" },
    ...checks.map((k) => el("li", { class: k.pass ? "pass" : "fail", "data-code": k.code }, k.message)));
}

async function claimPanels(o) {
  const claim = await get("/api/redemptions/" + o.id);
  // a draft, or a claim the reviewer returned for correction (退回补正),
  // is the provider's to change; anything else is frozen
  const frozen = !["draft", "returned"].includes(claim.status);
  const have = new Map(claim.files.map((f) => [f.kind, f]));
  const rows = KINDS.map(([kind, label]) => {
    const f = have.get(kind);
    const prog = el("progress", { max: 100, value: f ? 100 : 0, id: "prog-" + kind, "aria-label": label + " 上传进度" });
    const state = el("span", { class: "up-state", id: "state-" + kind }, f ? `已上传 ${Math.ceil(f.size / 1024)} KB` : "未上传");
    const input = el("input", { type: "file", accept: "application/pdf,.pdf", name: kind, id: "file-" + kind, disabled: frozen });
    const err = el("span", { class: "field-err", id: "file-" + kind + "-err", role: "alert" });
    input.addEventListener("change", async () => {
      const file = input.files[0];
      if (!file) return;
      err.textContent = "";
      if (!/\.pdf$/i.test(file.name) && file.type !== "application/pdf") { err.textContent = "只能上传 PDF 文件"; return; }
      prog.value = 0; state.textContent = "上传中…";
      try {
        await upload(`/api/redemptions/${o.id}/files/${kind}`, file, (p) => { prog.value = p; state.textContent = `上传中 ${p}%`; });
        state.textContent = `已上传 ${Math.ceil(file.size / 1024)} KB`;
        prog.value = 100;
        refreshReady();
      } catch (e) { prog.value = 0; state.textContent = "上传失败"; err.textContent = e.message; }
    });
    return el("div", { class: "upload-row" },
      el("label", { for: "file-" + kind }, label), el("div", {}, input, err), el("div", {}, prog, state));
  });
  const docs = el("section", { class: "panel", "aria-labelledby": "d-h" }, el("h2", { id: "d-h" }, "兑付材料（PDF，每类一个文件，重新上传将替换）"),
    el("div", { class: "uploads" }, ...rows), otherFiles(o, claim.other_files || [], frozen));

  const fig = claim.figures;
  const form = el("form", { class: "panel", id: "figures-form", novalidate: true, "aria-labelledby": "f-h" },
    el("h2", { id: "f-h" }, "发票和收款信息"),
    el("div", { class: "grid2" }, ...FIG.map(([n, label, t]) => field(label, {
      name: n, type: t === "date" ? "date" : "text", inputmode: t === "money" ? "decimal" : null, disabled: frozen,
      value: t === "money" ? fenInput(fig[n]) : fig[n] || "" }))),
    el("h3", {}, "核对结果（金额不符的申请将直接作废）"),
    checkList(claim.checks),
    formErr(),
    frozen ? null : el("div", { class: "actions" }, el("button", { type: "submit" }, "保存")));
  const values = () => Object.fromEntries(FIG.map(([n]) => [n, form.elements[n].value.trim()]));
  if (!frozen) form.addEventListener("input", () => $("#checks").replaceWith(checkList(liveChecks(claim.contract, values()))));
  const save = async () => {
    const v = values(), body = {};
    for (const [n, label, t] of FIG) {
      if (!v[n]) throw new ApiError(400, "missing", `请填写${label.replace(/（元）/, "")}`, n);
      if (t === "money") { body[n] = toFen(v[n]); if (body[n] === null) throw new ApiError(400, "bad", "请输入正确的金额，如 1350 或 1350.00", n); }
      else body[n] = v[n];
    }
    const c = await put("/api/redemptions/" + o.id, body);
    $("#checks").replaceWith(checkList(c.checks));
    return c;
  };
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    busy(form.querySelector("button[type=submit]"), form, async () => { await save(); form.querySelector(".form-err").textContent = ""; refreshReady(); });
  });

  const submitBox = el("section", { class: "panel", "aria-labelledby": "s-h" }, el("h2", { id: "s-h" }, "完成服务，提交兑付申请"));
  const ready = el("p", { id: "ready", "aria-live": "polite" });
  const submit = el("button", { type: "button", class: "primary", id: "submit-claim" }, "提交兑付申请");
  async function refreshReady() {
    try {
      const c = await get("/api/redemptions/" + o.id);
      const missing = c.missing_files.map((k) => KINDS.find((x) => x[0] === k)[1]);
      ready.textContent = c.ready ? "材料齐全、核对通过，可以提交。" : (missing.length ? "尚缺材料：" + missing.join("、") + "。" : "") + (c.checks.some((k) => !k.pass) ? "发票和收款信息尚未全部核对通过。" : "");
      ready.className = c.ready ? "ok" : "warn";
    } catch (e) { showError(submitBox, e); }
  }
  if (frozen) {
    submitBox.append(el("p", { class: "success" }, `已于 ${when(claim.submitted_at)} 提交，材料和数据已冻结。状态：`, badge(claim.status, CLAIM_STATUS)),
      claim.review ? el("p", {}, "初审意见：" + (claim.review.reason || "通过")) : null);
  } else {
    submitBox.append(el("p", { class: "notice" }, claim.status === "returned"
      ? `请按退回意见更换材料或更正数据后重新提交，须在服务券有效期（至 ${untilText(o.valid_until)}）内完成。`
      : "提交即表示服务已完成。提交后材料和数据不可修改，此操作不可撤销。"), ready, formErr(), el("div", { class: "actions" }, submit));
    submit.addEventListener("click", async () => {
      clearErrors(submitBox);
      try { await save(); } catch (e) { showError(form, e); return; }
      if (!(await confirmDialog("提交兑付申请？", "提交后材料、发票和收款数据将冻结并进入初审，此操作不可撤销。", "确认提交"))) return;
      busy(submit, submitBox, async () => {
        await post(`/api/redemptions/${o.id}/submit`);
        sessionStorage.setItem("flash", "兑付申请已提交，等待评审机构初审。");
        order({ id: o.id });
      });
    });
    refreshReady();
  }
  if (claim.history && claim.history.length) {
    submitBox.append(el("h3", {}, "审核记录"), el("ol", { class: "timeline", id: "claim-history" }, ...claim.history.map((h) => el("li", {},
      `第 ${h.round} 次提交 ${when(h.submitted_at)} · `, el("b", {}, h.decision ? ROUND_DECISION[h.decision] : "待初审"),
      h.decision ? ` · ${when(h.reviewed_at)}` : "", h.reason ? ` · ${h.reason}` : ""))));
  }
  const out = [docs, form, submitBox];
  if (claim.status === "returned") {
    out.unshift(el("section", { class: "panel notice", id: "returned", role: "alert", "aria-labelledby": "r-h" },
      el("h2", { id: "r-h" }, "兑付申请被退回补正"),
      el("p", {}, `评审机构于 ${when(claim.review.reviewed_at)} 退回，意见：`, el("b", { id: "returned-reason" }, claim.review.reason)),
      el("p", {}, "可重新上传相应材料、更正发票和收款信息，然后再次提交。")));
  }
  return out;
}
