// The bureau's console (市经信局): the dashboard with charts, publicity
// batches (create, publish, pay: R5), feedback on listed items, violations
// (V1, V2), spot checks and the audit trail (V3), enterprises and
// providers (E1-E7, A1), and the product application decisions (A6).
import {
  $, el, get, post, put, yuan, toFen, fenInput, when, today, badge, bar, table, empty, pager, field, formErr, busy,
  confirmDialog, requireRole, router, showError, ApiError, TIER_NAME, ORDER_STATUS, WHO_NAME, ratingFacts, starsText,
} from "./lib.js";
import { bars } from "./chart.js";
import { reviewQueue, reviewApp } from "./apps.js";
import { certQueue, certOne } from "./certs.js";
import { lists, rounds } from "./programme.js";
import { claims, claim } from "./review.js";
import { scorecard } from "./scorecard.js";
import { products, providerOne } from "./manage.js";

const view = $("#view");
const BATCH_STATUS = { draft: "草稿", published: "公示中", paid: "已兑付" };
const FB_STATUS = { open: "待处理", upheld: "成立", dismissed: "不成立" };
const V_KIND = { transfer: "转让、赠予或买卖服务券", hidden_relationship: "隐瞒关联关系", fictitious_contract: "虚假合同或虚报金额", other: "其他违反指南的行为" };

if (requireRole("bureau")) {
  $("#subnav").replaceChildren(...[["dashboard", "数据看板"], ["orders", "订单"], ["batches", "公示批次"], ["feedback", "公示意见"],
    ["recoveries", "补贴追回"], ["evaluations", "企业评价"],
    ["violations", "违规处理"], ["spot", "抽查"], ["audit", "审计日志"], ["enterprises", "企业"], ["providers", "服务机构"], ["products", "产品管理"],
    ["applications", "产品申报"], ["certifications", "机构认证"], ["lists", "名单导入"], ["rounds", "服务券年度"],
    ["claims", "兑付初审"]]
    .map(([h, t]) => el("a", { href: "#/" + h }, t)));
  router({
    "certifications": (p) => certQueue(view, p), "certifications/:id": (p) => certOne(view, p),
    "lists": () => lists(view), "rounds": () => rounds(view),
    "orders": orders, "recoveries": recoveries, "evaluations": evaluations,
    "claims": (p) => claims(p, view), "claims/:id": (p) => claim(p, view),  // C2: the bureau decides early
    "dashboard": dashboard, "batches": batches, "batches/:id": batch, "feedback": feedback,
    "violations": violations, "spot": spot, "audit": audit, "enterprises": enterprises, "providers": providers,
    "providers/:id": (p) => providerOne(view, p), "products": (p) => products(view, p),  // issue 11, point 13
    "applications": (p) => reviewQueue(view, p, "applications"), "applications/:id": (p) => reviewApp(view, p, "applications"),
    "scorecard/:id": (p) => scorecard(view, p.id),
  }, () => { location.hash = "#/dashboard"; });
}

const wan = (fen) => (fen >= 1000000 ? (fen / 1000000).toFixed(1) + " 万元" : yuan(fen));

// issue 16: the average days each stage of an order took this year, as an
// HTML/CSS bar chart (a list of bars, each with its figure in text)
function stageChart(stages) {
  const max = Math.max(1, ...stages.map((x) => x.days));
  return el("ul", { class: "stage-chart", "aria-label": "各环节平均用时（天）" },
    ...stages.map((x) => el("li", {}, el("span", { class: "stage-name" }, x.name),
      bar(Math.round(x.days * 10), Math.round(max * 10), `${x.name} 平均 ${x.days} 天`),
      el("span", { class: "stage-days" }, `${x.days} 天（${x.orders} 单）`))));
}

// issue 16: what waits past its clock, by stage and by party
function overduePanel(od) {
  return el("section", { class: "panel chart", id: "overdue" }, el("h3", {}, `逾期未办理（${od.total}）`),
    od.total ? [
      table(["环节", "件数"], od.by_stage.map((x) => [x.stage, String(x.n)]), "按环节"),
      table(["待办理方", "件数"], od.by_party.map((x) => [WHO_NAME[x.who] || x.who, String(x.n)]), "按办理方"),
      table(["事项", "编号 / 名称", "环节", "逾期"], od.items.map((x) => [
        { order: "订单", application: "产品申报", certification: "认证" }[x.subject] || x.subject,
        `${x.ref || "#" + x.id} ${x.party_name}`, x.name, Math.ceil(x.overdue_seconds / 86400) + " 天"]),
        od.page > 1 ? `逾期最久的事项（第 ${od.page} 页）` : `逾期最久的 ${od.per_page} 项`),
      pager(od, (p) => { location.hash = "#/dashboard?overdue_page=" + p; }),
    ] : empty("暂无逾期事项"));
}

async function dashboard({ query: params }) {
  const page = Math.max(1, parseInt(params.get("overdue_page") || "1", 10) || 1);
  const [s, od] = await Promise.all([get("/api/bureau/stats"), get(`/api/bureau/overdue?page=${page}&per_page=20`)]);
  const cap = s.allowance.reduce((t, r) => t + r.cap, 0), occ = s.allowance.reduce((t, r) => t + r.occupied, 0);
  const orders = s.by_category.reduce((t, r) => t + r.orders, 0), subsidy = s.by_category.reduce((t, r) => t + r.subsidy, 0);
  const legend = el("p", { class: "legend" }, el("span", { class: "k1" }, "订单数"), "　", el("span", { class: "k2" }, "补贴（含占用）"));
  view.replaceChildren(el("h2", {}, `${s.year} 年度数据看板`),
    el("div", { class: "facts" },
      el("div", { class: "fact big" }, el("b", {}, String(orders)), el("span", {}, "有效订单")),
      el("div", { class: "fact big" }, el("b", {}, yuan(subsidy)), el("span", {}, "补贴（含已占用）")),
      el("div", { class: "fact" }, el("b", {}, yuan(occ)), el("span", {}, "企业额度已占用")),
      el("div", { class: "fact" }, el("b", {}, yuan(cap)), el("span", {}, "企业额度合计"))),
    el("div", { class: "charts" },
      el("section", { class: "panel chart" }, el("h3", {}, "按类别：订单数与补贴"), legend.cloneNode(true),
        bars(s.by_category.map((c) => ({ label: c.name, a: c.orders, b: c.subsidy })), { title: "按类别的订单数与补贴", two: true, fmtB: wan })),
      el("section", { class: "panel chart" }, el("h3", {}, "按月份：订单数与补贴"), legend,
        s.by_month.length ? bars(s.by_month.map((m) => ({ label: m.month, a: m.orders, b: m.subsidy })), { title: "按月份的订单数与补贴", two: true, fmtB: wan }) : empty("暂无订单")),
      el("section", { class: "panel chart" }, el("h3", {}, "企业年度额度使用"),
        ...s.allowance.map((a) => el("div", {}, el("p", {}, `${TIER_NAME[a.tier] || a.tier}（${a.enterprises} 家）：已占用 ${yuan(a.occupied)} / ${yuan(a.cap)}`),
          bar(a.occupied, a.cap, TIER_NAME[a.tier] + " 额度使用")))),
      el("section", { class: "panel chart" }, el("h3", {}, "即将售罄的产品（剩余比例最低）"),
        bars(s.selling_out.map((p) => ({ label: p.name.length > 9 ? p.name.slice(0, 9) + "…" : p.name, a: p.units_total - p.remaining_units })),
          { title: "已售份数", fmtA: (v) => v + " 份已售" }),
        table(["产品", "剩余 / 总数"], s.selling_out.map((p) => [p.name, `${p.remaining_units} / ${p.units_total}`]))),
      el("section", { class: "panel chart", id: "stage-days" }, el("h3", {}, "各环节平均用时"), stageChart(s.stage_days)),
      overduePanel(od)));
}

// ---- every order, filtered, and its spreadsheets (issue 11) ----------------
const CATEGORIES = [["digital", "数字化赋能"], ["cloud", "上云用云"], ["talent", "人才与培训"], ["innovation", "科技创新"],
  ["transfer", "成果转化"], ["design", "工业设计"], ["it", "信息化开发"], ["ipo", "上市培育"], ["finance", "财税审计"],
  ["market", "市场开拓"], ["legal", "法律咨询"], ["other", "其他创新创业服务"]];
const ORDER_FILTERS = ["status", "provider_id", "enterprise_id", "product_id", "category", "from", "to", "flag"];

async function orders({ query: params }) {
  const query = Object.fromEntries(params);
  const q = new URLSearchParams();
  for (const k of ORDER_FILTERS) if (query[k]) q.set(k, query[k]);
  const form = el("form", { class: "panel filters", id: "order-filters", novalidate: true },
    el("div", { class: "grid2" },
      field("状态", { tag: "select", name: "status", value: query.status || "", options: [["", "全部"], ...Object.entries(ORDER_STATUS)] }),
      field("类别", { tag: "select", name: "category", value: query.category || "", options: [["", "全部"], ...CATEGORIES] }),
      field("服务机构编号", { name: "provider_id", type: "number", min: 1, value: query.provider_id || "" }),
      field("企业编号", { name: "enterprise_id", type: "number", min: 1, value: query.enterprise_id || "" }),
      field("产品编号", { name: "product_id", type: "number", min: 1, value: query.product_id || "" }),
      field("提示", { tag: "select", name: "flag", value: query.flag || "", options: [["", "全部"], ["overdue", "逾期（未按时接单或过期未兑付）"], ["unconfirmed", "企业未确认服务完成"]] }),
      field("下单日期自", { name: "from", type: "date", value: query.from || "" }),
      field("下单日期至", { name: "to", type: "date", value: query.to || "" })),
    formErr(), el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "筛选")));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const n = new URLSearchParams();
    for (const k of ORDER_FILTERS) { const v = form.elements[k].value.trim(); if (v) n.set(k, v); }
    location.hash = "#/orders?" + n.toString();
  });
  view.replaceChildren(el("h2", {}, "订单"), form);
  let r;
  try { r = await get("/api/bureau/orders?" + q.toString() + "&page=" + (Number(query.page) || 1)); }
  catch (e) { showError(form, e); return; }
  const qs = q.toString();
  view.append(
    el("p", { class: "actions", id: "exports" }, `共 ${r.total} 笔　导出：`,
      el("a", { class: "button", id: "export-xlsx", href: "/api/bureau/orders.xlsx" + (qs ? "?" + qs : ""), download: "" }, "Excel（.xlsx）"),
      el("a", { class: "button", id: "export-csv", href: "/api/bureau/orders.csv" + (qs ? "?" + qs : ""), download: "" }, "CSV")),
    r.items.length ? table(["订单号", "状态", "企业", "服务机构", "产品", "下单时间", "补贴", "提示"], r.items.map((o) => [
      o.order_no, badge(o.status), o.enterprise_name, o.provider_name, o.product_name, when(o.ordered_at),
      o.subsidy === null ? yuan(o.reserved) + "（占用）" : yuan(o.subsidy),
      [o.overdue ? "逾期" : "", o.unconfirmed ? "企业未确认" : ""].filter(Boolean).join("；") || "—"]), "订单列表") : empty("没有符合条件的订单"),
    pager(r, (n) => { const m = new URLSearchParams(q); m.set("page", n); location.hash = "#/orders?" + m.toString(); }));
}

// ---- subsidies to recover after refunds and violations ------------------------
const REC_STATUS = { open: "待追回", partial: "部分退回", settled: "已结清" };

async function recoveries({ query: params }) {
  const query = Object.fromEntries(params);
  const status = query.status || "due";
  const r = await get(`/api/bureau/recoveries?status=${status}&page=${Number(query.page) || 1}`);
  const filter = field("状态", { tag: "select", name: "status", value: status, options: [["due", "待追回（含部分退回）"], ["settled", "已结清"]] });
  filter.querySelector("select").addEventListener("change", (ev) => { location.hash = "#/recoveries?status=" + ev.target.value; });
  view.replaceChildren(el("h2", {}, "补贴追回"),
    el("p", { class: "muted" }, "服务机构报告退款或违规处理后，已兑付补贴的应退部分列在这里；资金退回后逐笔登记（《工作指南》七、4、5）。"),
    filter,
    el("div", { class: "facts" },
      el("div", { class: "fact" }, el("b", {}, yuan(r.totals.amount_due)), el("span", {}, "应追回")),
      el("div", { class: "fact" }, el("b", {}, yuan(r.totals.amount_returned)), el("span", {}, "已退回")),
      el("div", { class: "fact big" }, el("b", {}, yuan(r.totals.outstanding)), el("span", {}, "尚待退回"))),
    r.items.length ? el("div", {}, ...r.items.map(recoveryCard)) : empty("暂无追回事项"),
    pager(r, (n) => { location.hash = `#/recoveries?status=${status}&page=${n}`; }));
}

function recoveryCard(x) {
  const card = el("section", { class: "panel", "data-order": x.order_no },
    el("h3", {}, `订单 ${x.order_no} `, badge(x.status, REC_STATUS)),
    el("dl", { class: "kv" },
      el("dt", {}, "服务机构"), el("dd", {}, x.provider_name),
      el("dt", {}, "企业"), el("dd", {}, x.enterprise_name),
      el("dt", {}, "原因"), el("dd", {}, x.source === "refund" ? "服务机构报告退款" : "违规处理"),
      el("dt", {}, "应追回"), el("dd", {}, yuan(x.amount_due)),
      el("dt", {}, "已退回"), el("dd", {}, yuan(x.amount_returned) + (x.returned_on ? `（最近 ${x.returned_on}）` : ""))));
  if (x.status === "settled") return card;
  const form = el("form", { class: "inline", novalidate: true },
    field("本次退回金额（元）", { name: "amount_returned", inputmode: "decimal", value: fenInput(x.outstanding) }),
    field("退回日期", { name: "returned_on", type: "date", value: today() }), formErr(),
    el("button", { type: "submit", class: "primary" }, "登记退回"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const fen = toFen(form.elements.amount_returned.value);
    if (fen === null || fen <= 0) return showError(form, new ApiError(400, "bad", "请填写正确的金额", "amount_returned"));
    busy(form.querySelector("button"), form, async () => {
      await post("/api/bureau/recoveries/" + x.id, { amount_returned: fen, returned_on: form.elements.returned_on.value });
      recoveries({ query: new URLSearchParams(location.hash.split("?")[1] || "") });
    });
  });
  card.append(form);
  return card;
}

// ---- what enterprises said, per provider ----------------------------------------
async function evaluations({ query: params }) {
  const query = Object.fromEntries(params);
  const q = new URLSearchParams();
  if (query.provider_id) q.set("provider_id", query.provider_id);
  const form = el("form", { class: "panel filters", id: "eval-filter", novalidate: true },
    field("服务机构编号", { name: "provider_id", type: "number", min: 1, value: query.provider_id || "" }),
    el("button", { type: "submit", class: "primary" }, "查看"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = form.elements.provider_id.value.trim();
    location.hash = "#/evaluations" + (v ? "?provider_id=" + v : "");
  });
  const r = await get("/api/bureau/evaluations?" + q.toString() + "&page=" + (Number(query.page) || 1));
  view.replaceChildren(el("h2", {}, "企业评价"), form,
    r.by_product.length ? el("div", { id: "eval-products" }, ...r.by_product.map((s) => el("section", { class: "panel" },
      el("h3", {}, `${s.product_name}（${s.provider_name}）`), ratingFacts(s)))) : empty("暂无评价"),
    r.items.length ? table(["订单", "企业", "服务机构", "产品", "评分", "评价内容", "时间"], r.items.map((e) => [
      e.order_no, e.enterprise_name, e.provider_name, e.product_name, el("span", { class: "stars" }, starsText(e)),
      e.comment || "—", when(e.created_at)]), "每条评价") : null,
    pager(r, (n) => { const m = new URLSearchParams(q); m.set("page", n); location.hash = "#/evaluations?" + m.toString(); }));
}

// ---- batches (R5) --------------------------------------------------------
async function batches({ query }) {
  const page = Number(query.get("page")) || 1;
  const r = await get(`/api/bureau/batches?page=${page}&per_page=20`);
  const form = el("form", { class: "panel", id: "batch-create", novalidate: true }, el("h3", {}, "新建公示批次"),
    el("p", { class: "muted" }, "将全部初审通过、尚未公示的兑付申请汇总为一个批次草稿。"),
    field("批次标题（选填）", { name: "title", maxlength: 200 }), formErr(),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "汇总生成批次")));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const title = form.elements.title.value.trim();
    busy(form.querySelector("button[type=submit]"), form, async () => {
      const b = await post("/api/bureau/batches", title ? { title } : {});
      location.hash = "#/batches/" + b.id;
    });
  });
  view.replaceChildren(el("h2", {}, "公示批次"), form,
    r.items.length ? table(["批次", "状态", "条数", "补贴合计", "公示期至", "兑付日期"], r.items.map((b) => [
      el("a", { href: "#/batches/" + b.id }, b.title), badge(b.status, BATCH_STATUS), String(b.item_count), yuan(b.total_amount),
      when(b.period_ends_at), b.paid_on || "—"])) : empty("暂无批次"),
    pager(r, (p) => { location.hash = "#/batches?page=" + p; }));
}

async function batch({ id }) {
  const b = await get("/api/bureau/batches/" + id);
  const box = el("section", { class: "panel", id: "batch-actions" }, formErr());
  if (b.status === "draft") {
    const days = field("公示期（天）", { name: "period_days", type: "number", min: 1, value: 7 });
    const pub = el("button", { type: "button", class: "primary", id: "publish" }, "发布公示");
    pub.addEventListener("click", async () => {
      if (!(await confirmDialog("发布公示？", "发布后公示名单将签名并向社会公开，不可撤回。", "确认发布"))) return;
      busy(pub, box, async () => { await post(`/api/bureau/batches/${id}/publish`, { period_days: Number(box.querySelector("input").value) }); batch({ id }); });
    });
    box.append(el("h3", {}, "发布"), days, el("div", { class: "actions" }, pub));
  } else if (b.status === "published") {
    const on = field("兑付日期", { name: "paid_on", type: "date", value: today() });
    const pay = el("button", { type: "button", class: "primary", id: "pay" }, "标记为已兑付");
    pay.addEventListener("click", async () => {
      if (!(await confirmDialog("确认兑付？", "公示期满且意见处理完毕后方可兑付。标记后不可撤回。", "确认兑付"))) return;
      busy(pay, box, async () => { await post(`/api/bureau/batches/${id}/pay`, { paid_on: box.querySelector("input").value }); batch({ id }); });
    });
    box.append(el("h3", {}, "兑付"), el("p", { class: b.in_period ? "warn" : "ok" }, b.in_period ? `公示期至 ${when(b.period_ends_at)}，期满后方可兑付。` : "公示期已满。"), on, el("div", { class: "actions" }, pay));
  } else {
    // R7: published, withdrawn and paid told apart
    box.append(el("p", { class: "success", id: "paid" }, `公示 ${yuan(b.published_amount ?? b.total_amount)}；已兑付 ${b.paid_count ?? ""} 条 ${yuan(b.paid_amount)}（${b.paid_on} 起）` +
      (b.withdrawn_amount ? `；已撤回 ${yuan(b.withdrawn_amount)}` : "") + "。"));
  }
  view.replaceChildren(el("h2", {}, b.title, " ", badge(b.status, BATCH_STATUS)),
    el("p", {}, `共 ${b.item_count} 条，补贴合计 ${yuan(b.total_amount)}` + (b.published_at ? `；发布于 ${when(b.published_at)}，公示期至 ${when(b.period_ends_at)}` : "")),
    box,
    table(["订单", "企业", "服务机构", "产品", "金额", "订单状态", "异议", "待处理意见"], b.items.map((it) => [
      it.order_no, it.enterprise_name, it.provider, it.product, yuan(it.amount), ORDER_STATUS[it.order_status] || it.order_status,
      it.withdrawn ? el("span", { class: "bad" }, "已撤回") : it.objection_status, String(it.open_feedback)])),
    el("p", {}, el("a", { href: "#/batches" }, "← 返回批次列表")));
}

// ---- feedback --------------------------------------------------------------
async function feedback({ query }) {
  const status = query.get("status") || "open";
  const r = await get(`/api/bureau/feedback?status=${status}&per_page=50`);
  const filter = field("按状态筛选", { tag: "select", name: "status", value: status, options: Object.entries(FB_STATUS) });
  filter.querySelector("select").addEventListener("change", (ev) => { location.hash = "#/feedback?status=" + ev.target.value; });
  const cards = r.items.map((f) => {
    const form = el("form", { class: "panel", "data-tracking": f.tracking_no, novalidate: true },
      el("h3", {}, `${f.tracking_no} `, badge(f.status, FB_STATUS)),
      el("p", {}, `${f.provider} · ${f.product} · ${yuan(f.amount)}（批次 ${f.batch_id}）`),
      el("p", { class: "desc" }, f.text), f.contact ? el("p", { class: "muted" }, "联系方式：" + f.contact) : null,
      el("p", { class: "muted" }, "提交于 " + when(f.created_at)));
    if (f.status === "open") {
      form.append(field("处理说明", { tag: "textarea", name: "note", maxlength: 400, required: true }), formErr(),
        el("div", { class: "actions" },
          el("button", { type: "submit", value: "dismiss", class: "primary" }, "意见不成立（驳回）"),
          el("button", { type: "submit", value: "uphold", class: "danger" }, "意见成立（撤回该条）")));
      form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        const decision = ev.submitter.value;
        busy(ev.submitter, form, async () => {
          await post("/api/bureau/feedback/" + f.id, { decision, note: form.elements.note.value.trim() });
          feedback({ query });
        });
      });
    } else if (f.note) form.append(el("p", {}, "处理说明：" + f.note));
    return form;
  });
  view.replaceChildren(el("h2", {}, "公示意见"), filter, ...(cards.length ? cards : [empty("没有意见")]));
}

// ---- violations (V1, V2) ---------------------------------------------------
async function violations() {
  const r = await get("/api/bureau/violations?per_page=50");
  const form = el("form", { class: "panel", novalidate: true }, el("h3", {}, "记录违规"),
    el("p", { class: "notice" }, "记录后：终止该方未完成的订单，已兑付补贴列入追回，取消资格并禁入三年（《工作指南》七、5）。"),
    el("div", { class: "grid2" },
      field("当事方", { tag: "select", name: "party", options: [["enterprise", "企业"], ["provider", "服务机构"]] }),
      field("当事方编号", { name: "party_id", type: "number", min: 1, required: true }),
      field("违规类型", { tag: "select", name: "kind", options: Object.entries(V_KIND) }),
      field("相关订单编号（选填，数字 ID）", { name: "order_id", type: "number", min: 1 })),
    field("情况说明", { tag: "textarea", name: "description", required: true, maxlength: 5000 }), formErr(),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "danger" }, "记录违规")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = form.elements;
    const body = { party: f.party.value, party_id: Number(f.party_id.value), kind: f.kind.value, description: f.description.value.trim() };
    if (f.order_id.value) body.order_id = Number(f.order_id.value);
    if (!body.party_id) return showError(form, new ApiError(400, "bad", "请填写当事方编号", "party_id"));
    if (!(await confirmDialog("记录违规？", "此操作立即生效且不可撤销。", "确认记录"))) return;
    busy(form.querySelector("button[type=submit]"), form, async () => { await post("/api/bureau/violations", body); violations(); });
  });
  view.replaceChildren(el("h2", {}, "违规处理"), form,
    r.items.length ? table(["编号", "当事方", "类型", "说明", "记录时间", "禁入至"], r.items.map((v) => [
      String(v.id), `${v.party === "enterprise" ? "企业" : "服务机构"} ${v.party_name || v.party_id}`, V_KIND[v.kind] || v.kind,
      v.description, when(v.recorded_at), when(v.barred_until)])) : empty("暂无违规记录"));
}

// ---- spot checks (V3) ------------------------------------------------------
async function spot({ query }) {
  const sample = query.get("sample");
  const box = el("div");
  const draw = el("button", { type: "button", class: "primary" }, "随机抽取 10 个订单");
  draw.addEventListener("click", () => busy(draw, view, async () => {
    const r = await post("/api/bureau/spot-check?n=10");
    location.hash = r.sample_id ? "#/spot?sample=" + r.sample_id : "#/spot";
  }));
  view.replaceChildren(el("h2", {}, "抽查"), el("p", { class: "muted" }, "随机抽取订单进行核查，抽取和结果均记入审计日志。"), formErr(), el("div", { class: "actions" }, draw), box);
  if (!sample) {
    const page = Number(query.get("page")) || 1;
    const l = await get(`/api/bureau/spot-check?page=${page}&per_page=20`);
    box.replaceChildren(el("h3", {}, "历次抽查"), l.items.length ? table(["样本", "抽取时间", "订单数", "已核查", "发现问题"], l.items.map((s) => [
      el("a", { href: "#/spot?sample=" + encodeURIComponent(s.sample_id) }, s.sample_id), when(s.sampled_at), String(s.n), String(s.checked), String(s.issues)]))
      : empty("尚未抽查"), pager(l, (p) => { location.hash = "#/spot?page=" + p; }));
    return;
  }
  const r = await get("/api/bureau/spot-check?sample=" + encodeURIComponent(sample));
  box.replaceChildren(el("h3", {}, "样本 " + r.sample_id + "（" + when(r.sampled_at) + "）"),
    ...r.items.map((c) => {
      const f = el("form", { class: "panel", novalidate: true },
        el("p", {}, `${c.order_no} `, badge(c.order_status), ` ${c.enterprise_name} ← ${c.provider_name} · ${c.product_name}`),
        el("p", { class: "muted" }, `合同 ${c.contract_no || "—"}，金额 ${yuan(c.contract_amount)}，补贴 ${yuan(c.subsidy)}`));
      if (c.result === "pending") {
        f.append(field("核查说明", { name: "note", maxlength: 1000 }), formErr(), el("div", { class: "actions" },
          el("button", { type: "submit", value: "ok" }, "核查无误"), el("button", { type: "submit", value: "issue", class: "danger" }, "发现问题")));
        f.addEventListener("submit", (ev) => {
          ev.preventDefault();
          const body = { result: ev.submitter.value }; const note = f.elements.note.value.trim(); if (note) body.note = note;
          busy(ev.submitter, f, async () => { await post("/api/bureau/spot-check/" + c.check_id, body); spot({ query }); });
        });
      } else f.append(el("p", {}, badge(c.result, { ok: "无误", issue: "有问题" }), " ", c.note || ""));
      return f;
    }));
}

// ---- audit trail (V3) ------------------------------------------------------
async function audit({ query }) {
  const entity = query.get("entity") || "", id = query.get("id") || "", page = Number(query.get("page")) || 1;
  const form = el("form", { class: "search", role: "search" },
    el("label", { for: "a-entity", class: "visually-hidden" }, "对象类型"),
    el("input", { id: "a-entity", name: "entity", placeholder: "对象类型，如 order、feedback、batch", value: entity, "aria-describedby": "a-entity-err" }),
    el("label", { for: "a-id", class: "visually-hidden" }, "对象编号"),
    el("input", { id: "a-id", name: "id", type: "number", min: 1, placeholder: "编号", value: id, "aria-describedby": "a-id-err" }),
    el("button", { type: "submit" }, "查询"),
    el("span", { class: "field-err", id: "a-entity-err", role: "alert" }), el("span", { class: "field-err", id: "a-id-err", role: "alert" }));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); location.hash = `#/audit?entity=${encodeURIComponent(form.elements.entity.value.trim())}&id=${form.elements.id.value}`; });
  view.replaceChildren(el("h2", {}, "审计日志"), form);
  const qs = new URLSearchParams({ page, per_page: 50 });
  if (entity) qs.set("entity", entity);
  if (id) qs.set("id", id);
  let r;
  try { r = await get("/api/bureau/audit?" + qs); } catch (e) { showError(form, e); return; }
  const brief = (o) => (o ? Object.entries(o).slice(0, 6).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join("；") : "—");
  view.append(r.items.length ? table(["时间", "操作人", "动作", "对象", "变更后"], r.items.map((a) => [
    when(a.at), `${a.actor_login || "公众"}（${a.actor_role}）`, a.action, `${a.entity} ${a.entity_id ?? ""}`, brief(a.after)])) : empty("没有记录"),
  pager(r, (p) => { location.hash = `#/audit?entity=${entity}&id=${id}&page=${p}`; }));
}

// ---- enterprises and providers ----------------------------------------------
const yesno = (v) => (v ? "是" : "否");

async function enterprises({ query }) {
  const q = query.get("q") || "", page = Number(query.get("page")) || 1;
  const r = await get(`/api/bureau/enterprises?per_page=20&page=${page}` + (q ? "&q=" + encodeURIComponent(q) : ""));
  const search = el("form", { class: "search", role: "search" }, el("label", { for: "e-q", class: "visually-hidden" }, "搜索企业"),
    el("input", { id: "e-q", name: "q", placeholder: "企业名称或信用代码", value: q }), el("button", { type: "submit" }, "搜索"));
  search.addEventListener("submit", (ev) => { ev.preventDefault(); location.hash = "#/enterprises?q=" + encodeURIComponent(search.elements.q.value.trim()); });
  const create = el("form", { class: "panel", novalidate: true }, el("h3", {}, "新增企业及账号"),
    el("div", { class: "grid2" },
      field("企业名称", { name: "name", required: true, maxlength: 200 }), field("统一社会信用代码", { name: "uscc", required: true, maxlength: 18 }),
      field("类型", { tag: "select", name: "tier", options: Object.entries(TIER_NAME) }),
      field("划型", { tag: "select", name: "size_class", options: [["micro", "微型"], ["small", "小型"], ["medium", "中型"], ["large", "大型"]] }),
      field("在北京注册", { tag: "select", name: "beijing_registered", options: [["1", "是"], ["0", "否"]] }),
      field("是企业（非事业单位等）", { tag: "select", name: "is_enterprise", options: [["1", "是"], ["0", "否"]] }),
      field("登录账号", { name: "login", required: true, maxlength: 64 }), field("初始密码（至少 10 位）", { name: "password", type: "password", required: true })),
    formErr(), el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "新增")));
  create.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = create.elements;
    busy(create.querySelector("button[type=submit]"), create, async () => {
      await post("/api/bureau/enterprises", { name: f.name.value.trim(), uscc: f.uscc.value.trim().toUpperCase(), tier: f.tier.value,
        size_class: f.size_class.value, beijing_registered: f.beijing_registered.value === "1", is_enterprise: f.is_enterprise.value === "1",
        login: f.login.value.trim(), password: f.password.value });
      enterprises({ query });
    });
  });
  const rows = r.items.map((e) => {
    const tier = el("select", { "aria-label": e.name + " 类型" }, ...Object.entries(TIER_NAME).map(([v, t]) => el("option", { value: v, selected: v === e.tier }, t)));
    const credit = el("input", { type: "checkbox", checked: e.credit_flagged, "aria-label": e.name + " 信用异常" });
    const save = el("button", { type: "button" }, "保存");
    const err = el("span", { class: "form-err", role: "alert" });
    const cell = el("div", {}, tier, el("label", {}, credit, " 信用异常"), " ", save, err);
    save.addEventListener("click", () => busy(save, cell, async () => {
      const body = { tier: tier.value, credit_flagged: credit.checked };
      if (credit.checked && !e.credit_flagged) { body.credit_source = "信用中国"; body.credit_checked_on = today(); }
      await put("/api/bureau/enterprises/" + e.id, body);
      err.textContent = ""; save.textContent = "已保存";
    }));
    return [e.name, e.uscc, e.login || "—", `${yuan(e.quota.occupied)} / ${yuan(e.quota.cap)}`,
      e.eligible ? el("span", { class: "ok" }, "可下单") : el("span", { class: "bad" }, "不可下单 " + (e.ineligible_rule || "")), cell];
  });
  view.replaceChildren(el("h2", {}, "企业管理"), search, create,
    rows.length ? table(["企业", "信用代码", "账号", "额度（占用 / 上限）", "资格", "类型与信用"], rows) : empty("没有企业"),
    pager(r, (p) => { location.hash = `#/enterprises?q=${encodeURIComponent(q)}&page=${p}`; }));
}

async function providers({ query }) {
  const q = query.get("q") || "", page = Number(query.get("page")) || 1;
  const r = await get(`/api/bureau/providers?per_page=20&page=${page}` + (q ? "&q=" + encodeURIComponent(q) : ""));
  const search = el("form", { class: "search", role: "search" }, el("label", { for: "p-q", class: "visually-hidden" }, "搜索服务机构"),
    el("input", { id: "p-q", name: "q", placeholder: "机构名称或信用代码", value: q }), el("button", { type: "submit" }, "搜索"));
  search.addEventListener("submit", (ev) => { ev.preventDefault(); location.hash = "#/providers?q=" + encodeURIComponent(search.elements.q.value.trim()); });
  const create = el("form", { class: "panel", novalidate: true }, el("h3", {}, "新增服务机构及账号"),
    el("div", { class: "grid2" },
      field("机构名称", { name: "name", required: true, maxlength: 200 }), field("统一社会信用代码", { name: "uscc", required: true, maxlength: 18 }),
      field("在北京注册", { tag: "select", name: "beijing_registered", options: [["1", "是"], ["0", "否"]] }),
      field("成立日期", { name: "established_on", type: "date" }),
      field("上年合同数", { name: "last_year_contracts", type: "number", min: 0 }),
      field("上年营业收入（元）", { name: "last_year_revenue", inputmode: "decimal" }),
      field("登录账号", { name: "login", required: true, maxlength: 64 }), field("初始密码（至少 10 位）", { name: "password", type: "password", required: true })),
    formErr(), el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "新增")));
  create.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = create.elements;
    const body = { name: f.name.value.trim(), uscc: f.uscc.value.trim().toUpperCase(), beijing_registered: f.beijing_registered.value === "1",
      login: f.login.value.trim(), password: f.password.value };
    if (f.established_on.value) body.established_on = f.established_on.value;
    if (f.last_year_contracts.value) body.last_year_contracts = Number(f.last_year_contracts.value);
    if (f.last_year_revenue.value) {
      body.last_year_revenue = toFen(f.last_year_revenue.value);
      if (body.last_year_revenue === null) return showError(create, new ApiError(400, "bad", "请输入正确的金额", "last_year_revenue"));
    }
    busy(create.querySelector("button[type=submit]"), create, async () => { await post("/api/bureau/providers", body); providers({ query }); });
  });
  view.replaceChildren(el("h2", {}, "服务机构管理"), search, create,
    r.items.length ? table(["机构", "信用代码", "账号", "在京注册", "成立", "上年合同 / 收入", "在售产品", "状态", "服务评分卡"], r.items.map((p) => [
      el("a", { href: "#/providers/" + p.id }, p.name), p.uscc, p.login || "—", yesno(p.beijing_registered), p.established_on || "—",
      `${p.last_year_contracts ?? "—"} / ${yuan(p.last_year_revenue)}`, String(p.listed_products ?? 0),
      p.barred ? el("span", { class: "bad" }, "禁入至 " + when(p.barred_until)) : p.credit_flagged ? el("span", { class: "warn" }, "信用异常") : el("span", { class: "ok" }, "正常"),
      el("a", { href: `#/scorecard/${p.id}` }, "评分卡")])) : empty("没有服务机构"),
    pager(r, (p) => { location.hash = `#/providers?q=${encodeURIComponent(q)}&page=${p}`; }));
}
