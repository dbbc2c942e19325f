// manage.js - two screens of the bureau's console (issue 11, point 13):
// 产品管理 (every product, listed or not: search, edit the units, the
// validity and the prices, delist and relist, list a new product directly)
// and one service provider (its state, the credit flag set and cleared,
// a violation recorded), each showing what the change does to the
// provider's products. The limits the API enforces are shown beside the
// fields and checked as they are typed; the API's refusal appears beside
// the field it names.
import {
  $, el, get, post, put, yuan, toFen, fenInput, when, today, table, empty, pager, field, formErr, busy,
  confirmDialog, showError, clearErrors, ApiError,
} from "./lib.js";

// the limits the catalog program applies (shared/base/rules.h)
const VALIDITY_MIN = 1, VALIDITY_MAX = 60, VALIDITY_DEFAULT = 30;   // P6
const SUBSIDY_MAX = 5000000;                                        // P4, fen
const V_KIND = { transfer: "转让、赠予或买卖服务券", hidden_relationship: "隐瞒关联关系", fictitious_contract: "虚假合同或虚报金额", other: "其他违反指南的行为" };

const subsidyOf = (voucher) => Math.min(Math.floor((voucher * 30) / 100), SUBSIDY_MAX);  // P4
const maxVoucher = (market) => Math.floor((market * 8) / 10);                          // P3
// The nodes of xs that are there (replaceChildren and append would show a
// null as the text "null").
const present = (...xs) => xs.filter((x) => x !== null && x !== undefined && x !== false);

// To hash h, rendering again when it is the current one.
function go(h) {
  if (location.hash === h) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = h;
}
const intOf = (s) => (/^\s*-?\d{1,7}\s*$/.test(String(s)) ? Number(s) : null);

let categories = null;
async function categoryOptions() {
  if (!categories) categories = (await get("/api/categories")).items.map((c) => [c.code, c.name_zh]);
  return categories;
}

// A product's state in words: 在售, 已下架, or why it cannot be ordered.
function stateCell(p) {
  if (!p.listed) return el("span", { class: "bad" }, "已下架");
  if (p.orderable) return el("span", { class: "ok" }, "在售");
  return el("span", { class: "warn" }, "暂停下单：" + (p.unorderable_reason ? p.unorderable_reason.message : ""));
}

// The checks of the figures as typed (P3, P4, P5, P6), as a live list:
// what the catalog program will refuse, shown before saving.
function productChecks(v, taken) {
  const c = [];
  if (v.market === null) c.push({ pass: false, text: "市场价：请填写金额（元，最多两位小数）" });
  if (v.voucher === null) c.push({ pass: false, text: "配券价：请填写金额（元，最多两位小数）" });
  if (v.market !== null && v.voucher !== null) {
    const top = maxVoucher(v.market);
    c.push({ pass: v.voucher * 10 <= v.market * 8,
      text: `配券价不高于市场价的 80%（优惠 8 折以上）：最高 ${yuan(top)}，现为 ${yuan(v.voucher)}` });
    const s = subsidyOf(v.voucher);
    c.push({ pass: true, text: `每份补贴 ${yuan(s)}（配券价的 30%，最高 5 万元），企业实付 ${yuan(v.voucher - s)}` });
  }
  if (taken !== undefined) {
    c.push({ pass: v.units !== null && v.units >= taken,
      text: `优惠数量不少于已被下单的 ${taken} 份（先用先得，已下单的名额保留）` + (v.units !== null ? `：保存后剩余 ${Math.max(0, v.units - taken)} 份` : "") });
  } else {
    c.push({ pass: v.units !== null && v.units >= 1, text: "优惠数量至少 1 份" });
  }
  c.push({ pass: v.validity !== null && v.validity >= VALIDITY_MIN && v.validity <= VALIDITY_MAX,
    text: `服务券有效期 ${VALIDITY_MIN}–${VALIDITY_MAX} 天（自下单时起，一般 ${VALIDITY_DEFAULT} 天，特殊需要可延长，最长 ${VALIDITY_MAX} 天，《工作指南》五（二）5）` });
  return el("ul", { class: "checks", "aria-live": "polite" },
    ...c.map((k) => el("li", { class: k.pass ? "pass" : "fail" }, k.text)));
}

// The figures of a product form as typed: money in fen (null when not
// money), counts as integers (null when not a whole number).
function formFigures(f) {
  return { market: toFen(f.market_price.value), voucher: toFen(f.voucher_price.value),
    units: intOf(f.units.value), validity: intOf(f.validity_days.value) };
}

// Refuses what cannot be sent at all (not money, not a whole number),
// naming the field; the rules themselves are the API's to refuse.
function figuresOrError(form, v) {
  const bad = [["market_price", v.market === null, "请填写正确的金额（元，最多两位小数）"],
    ["voucher_price", v.voucher === null, "请填写正确的金额（元，最多两位小数）"],
    ["units", v.units === null, "请填写整数"], ["validity_days", v.validity === null, "请填写整数天数"]].find((x) => x[1]);
  if (bad) showError(form, new ApiError(400, "bad", bad[2], bad[0]));
  return !bad;
}

// ---- 产品管理 ----------------------------------------------------------------
// #/products?q=&provider_id=&listed=&page=&edit=ID
export async function products(view, { query: params }) {
  const query = Object.fromEntries(params);
  const q = new URLSearchParams({ per_page: 20, page: Number(query.page) || 1 });
  for (const k of ["q", "provider_id", "listed"]) if (query[k]) q.set(k, query[k]);
  const flash = sessionStorage.getItem("manage-flash");
  sessionStorage.removeItem("manage-flash");
  const search = el("form", { class: "panel filters", id: "product-search", role: "search", novalidate: true },
    el("div", { class: "grid2" },
      field("产品或服务机构名称", { name: "q", maxlength: 50, value: query.q || "" }),
      field("服务机构编号", { name: "provider_id", type: "number", min: 1, value: query.provider_id || "" }),
      field("状态", { tag: "select", name: "listed", value: query.listed || "", options: [["", "全部"], ["1", "在售（已上架）"], ["0", "已下架"]] })),
    formErr(), el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "查询")));
  search.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const n = new URLSearchParams();
    for (const k of ["q", "provider_id", "listed"]) { const v = search.elements[k].value.trim(); if (v) n.set(k, v); }
    location.hash = "#/products?" + n.toString();
  });
  view.replaceChildren(...present(el("h2", {}, "产品管理"),
    flash ? el("p", { class: "success", role: "status", id: "manage-flash" }, flash) : null, search));
  let r;
  try { r = await get("/api/bureau/products?" + q.toString()); } catch (e) { showError(search, e); return; }
  const editing = r.items.find((p) => String(p.id) === query.edit);
  const link = (extra) => { const m = new URLSearchParams(params); m.delete("edit"); for (const [k, v] of Object.entries(extra)) m.set(k, v); return "#/products?" + m.toString(); };
  view.append(...present(
    editing ? productEdit(editing, () => link({ edit: editing.id })) : null,
    el("p", { class: "muted" }, `共 ${r.total} 个产品`),
    r.items.length ? table(["编号", "产品", "服务机构", "配券价 / 市场价", "剩余 / 总数（已下单）", "有效期", "状态", "操作"], r.items.map((p) => [
      String(p.id), el("a", { href: "/product.html?id=" + p.id }, p.name), `${p.provider_name}（${p.provider_id}）`,
      `${yuan(p.voucher_price)} / ${yuan(p.market_price)}`, `${p.remaining_units} / ${p.units_total}（${p.units_taken}）`,
      p.validity_days + " 天", stateCell(p),
      el("a", { href: link({ edit: p.id }), "aria-label": "修改 " + p.name }, "修改")]), "产品列表")
      : empty("没有符合条件的产品"),
    pager(r, (n) => { location.hash = link({ page: n }); }),
    await productCreate(query)));
  if (editing) $("#product-edit").scrollIntoView();
}

// The edit form of product p (a row of the bureau's list): units,
// validity, prices and name; delist or relist.
function productEdit(p, again) {
  const form = el("form", { class: "panel", id: "product-edit", novalidate: true, "aria-labelledby": "pe-title" },
    el("h3", { id: "pe-title" }, `修改产品：${p.name}`),
    el("p", { class: "muted" }, `${p.provider_name} · ${p.category_name} · ${p.round_year} 年度 · `, stateCell(p)),
    el("div", { class: "grid2" },
      field("产品名称", { name: "name", maxlength: 200, value: p.name }),
      field("市场价（元）", { name: "market_price", inputmode: "decimal", value: fenInput(p.market_price) }, "近 3 个月平均价格"),
      field("配券价（元）", { name: "voucher_price", inputmode: "decimal", value: fenInput(p.voucher_price) }, `不高于市场价的 80%`),
      field("优惠数量（总份数）", { name: "units", type: "number", min: p.units_taken, value: p.units_total }, `不少于已被下单的 ${p.units_taken} 份`),
      field("服务券有效期（天）", { name: "validity_days", type: "number", min: VALIDITY_MIN, max: VALIDITY_MAX, value: p.validity_days },
        `${VALIDITY_MIN}–${VALIDITY_MAX} 天，一般 ${VALIDITY_DEFAULT} 天`)),
    el("h4", {}, "保存前核对"),
    el("div", { id: "edit-checks" }),
    formErr(),
    el("div", { class: "actions" },
      el("button", { type: "submit", class: "primary" }, "保存修改"),
      p.listed ? el("button", { type: "button", class: "danger", id: "delist" }, "下架")
        : el("button", { type: "button", id: "relist" }, "重新上架"),
      el("a", { class: "button", href: again().replace(/[?&]edit=\d+/, "") }, "关闭")));
  const f = form.elements;
  const live = () => $("#edit-checks", form).replaceChildren(productChecks(formFigures(f), p.units_taken));
  live();
  form.addEventListener("input", () => { live(); $("#manage-flash") && $("#manage-flash").remove(); });
  const done = (msg) => { sessionStorage.setItem("manage-flash", msg); go(again()); };
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const v = formFigures(f);
    if (!figuresOrError(form, v)) return;
    busy(form.querySelector("button[type=submit]"), form, async () => {
      const body = { market_price: v.market, voucher_price: v.voucher, units: v.units, validity_days: v.validity };
      if (f.name.value.trim() !== p.name) body.name = f.name.value.trim();
      const after = await put("/api/bureau/products/" + p.id, body);
      done(`已保存：${after.name}，优惠数量 ${after.units_total} 份（剩余 ${after.remaining_units} 份），有效期 ${after.validity_days} 天，配券价 ${yuan(after.voucher_price)}，每份补贴 ${yuan(after.unit_subsidy)}。`);
    });
  });
  const toggle = form.querySelector("#delist, #relist");
  toggle.addEventListener("click", async () => {
    if (p.listed && !(await confirmDialog("下架该产品？", "下架后企业不能再下单，目录中不再显示；已下的订单照常办理。可以重新上架。", "确认下架"))) return;
    busy(toggle, form, async () => {
      const after = await put("/api/bureau/products/" + p.id, { listed: !p.listed });
      done(after.listed ? `已重新上架：${after.name}` + (after.orderable ? "" : `（${after.unorderable_reason.message}）`) : `已下架：${after.name}，目录中不再显示。`);
    });
  });
  return form;
}

// Listing a new product directly (P2-P4, P6; P7: refused for a provider
// that is barred or credit-flagged).
async function productCreate(query) {
  const cats = await categoryOptions();
  const form = el("form", { class: "panel", id: "product-create", novalidate: true, "aria-labelledby": "pc-title" },
    el("h3", { id: "pc-title" }, "直接上架新产品"),
    el("p", { class: "muted" }, "不经征集申报直接上架到当前年度的目录。服务机构须未被取消资格、无严重失信记录。"),
    el("div", { class: "grid2" },
      field("服务机构编号", { name: "provider_id", type: "number", min: 1, value: query.provider_id || "" }),
      field("类别", { tag: "select", name: "category", options: cats }),
      field("产品名称", { name: "name", maxlength: 200 }),
      field("市场价（元）", { name: "market_price", inputmode: "decimal" }, "近 3 个月平均价格"),
      field("配券价（元）", { name: "voucher_price", inputmode: "decimal" }, "不高于市场价的 80%"),
      field("优惠数量（份）", { name: "units", type: "number", min: 1 }),
      field("服务券有效期（天）", { name: "validity_days", type: "number", min: VALIDITY_MIN, max: VALIDITY_MAX, value: VALIDITY_DEFAULT },
        `${VALIDITY_MIN}–${VALIDITY_MAX} 天，一般 ${VALIDITY_DEFAULT} 天`)),
    field("服务内容", { tag: "textarea", name: "description", maxlength: 5000 }),
    el("h4", {}, "上架前核对"),
    el("div", { id: "create-checks" }),
    formErr(),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "上架")));
  const f = form.elements;
  const live = () => $("#create-checks", form).replaceChildren(productChecks(formFigures(f)));
  live();
  form.addEventListener("input", live);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const v = formFigures(f);
    const pid = intOf(f.provider_id.value);
    if (!pid) return showError(form, new ApiError(400, "bad", "请填写服务机构编号", "provider_id"));
    if (!f.name.value.trim()) return showError(form, new ApiError(400, "bad", "请填写产品名称", "name"));
    if (!f.description.value.trim()) return showError(form, new ApiError(400, "bad", "请填写服务内容", "description"));
    if (!figuresOrError(form, v)) return;
    busy(form.querySelector("button[type=submit]"), form, async () => {
      const p = await post("/api/bureau/products", { provider_id: pid, category: f.category.value, name: f.name.value.trim(),
        description: f.description.value.trim(), market_price: v.market, voucher_price: v.voucher, units: v.units, validity_days: v.validity });
      sessionStorage.setItem("manage-flash", `已上架：${p.name}（编号 ${p.id}）`);
      go("#/products?q=" + encodeURIComponent(p.name) + "&edit=" + p.id);
    });
  });
  return form;
}

// ---- one service provider ----------------------------------------------------
// #/providers/:id - its state, the credit flag, a violation, its products.
export async function providerOne(view, { id }) {
  const [v, prods] = await Promise.all([get("/api/bureau/providers/" + id),
    get(`/api/bureau/products?provider_id=${id}&per_page=100`)]);
  const flash = sessionStorage.getItem("manage-flash");
  sessionStorage.removeItem("manage-flash");
  const reload = (msg) => { if (msg) sessionStorage.setItem("manage-flash", msg); providerOne(view, { id }); };
  const state = v.barred ? el("span", { class: "bad" }, "已取消资格，禁入至 " + when(v.barred_until))
    : v.credit_flagged ? el("span", { class: "warn" }, "信用异常：产品暂停下单")
      : el("span", { class: "ok" }, "正常");
  const listed = prods.items.filter((p) => p.listed);
  view.replaceChildren(...present(el("h2", {}, "服务机构：" + v.name),
    flash ? el("p", { class: "success", role: "status", id: "manage-flash" }, flash) : null,
    el("p", {}, el("a", { href: "#/providers" }, "← 返回服务机构列表")),
    el("section", { class: "panel", id: "provider-state" },
      el("dl", { class: "kv" },
        el("dt", {}, "状态"), el("dd", { id: "provider-status" }, state),
        el("dt", {}, "编号"), el("dd", {}, String(v.id)),
        el("dt", {}, "统一社会信用代码"), el("dd", {}, v.uscc),
        el("dt", {}, "账号"), el("dd", {}, v.login || "—"),
        el("dt", {}, "在京注册"), el("dd", {}, v.beijing_registered ? "是" : "否"),
        el("dt", {}, "成立日期"), el("dd", {}, v.established_on || "—"),
        el("dt", {}, "上年合同数 / 营业收入"), el("dd", {}, `${v.last_year_contracts ?? "—"} / ${yuan(v.last_year_revenue)}`),
        el("dt", {}, "信用记录"), el("dd", {}, v.credit_flagged ? `严重失信（来源：${v.credit_source || "—"}，查询日期：${v.credit_checked_on || "—"}）` : "无"),
        el("dt", {}, "在售产品"), el("dd", {}, `${listed.length} 个，其中可下单 ${listed.filter((p) => p.orderable).length} 个`))),
    v.barred ? null : creditForm(v, reload),
    v.barred ? null : violationForm(v, reload),
    el("section", { class: "panel", id: "provider-products" }, el("h3", {}, "该机构的产品"),
      prods.items.length ? table(["产品", "状态", "剩余 / 总数", "操作"], prods.items.map((p) => [
        el("a", { href: "/product.html?id=" + p.id }, p.name), stateCell(p), `${p.remaining_units} / ${p.units_total}`,
        el("a", { href: `#/products?provider_id=${v.id}&edit=${p.id}`, "aria-label": "修改 " + p.name }, "修改")]), "产品及能否下单")
        : empty("没有产品"),
      el("p", {}, el("a", { href: "#/products?provider_id=" + v.id }, "在产品管理中查看，或为该机构直接上架产品")))));
}

// Set or clear the credit flag (E4, E14), with what it does (P7).
function creditForm(v, reload) {
  const form = el("form", { class: "panel", id: "provider-credit", novalidate: true, "aria-labelledby": "pcr-title" },
    el("h3", { id: "pcr-title" }, "信用记录"),
    el("p", { class: "notice" }, v.credit_flagged
      ? "清除后，该机构的在售产品立即恢复下单，也可以重新上架产品。"
      : "标记后，该机构的全部产品立即暂停下单，也不能上架新产品；已接的订单照常办理。"),
    v.credit_flagged ? null : el("div", { class: "grid2" },
      field("信用记录来源", { name: "credit_source", maxlength: 200, value: "信用中国" }),
      field("查询日期", { name: "credit_checked_on", type: "date", value: today() })),
    formErr(),
    el("div", { class: "actions" }, el("button", { type: "submit", class: v.credit_flagged ? "primary" : "danger" },
      v.credit_flagged ? "清除信用异常" : "标记为信用异常")));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const body = { credit_flagged: !v.credit_flagged };
    if (!v.credit_flagged) {
      body.credit_source = form.elements.credit_source.value.trim();
      body.credit_checked_on = form.elements.credit_checked_on.value;
      if (!body.credit_source) return showError(form, new ApiError(400, "bad", "请填写信用记录来源", "credit_source"));
      if (!body.credit_checked_on) return showError(form, new ApiError(400, "bad", "请填写查询日期", "credit_checked_on"));
    }
    busy(form.querySelector("button[type=submit]"), form, async () => {
      await put("/api/bureau/providers/" + v.id, body);
      reload(body.credit_flagged ? "已标记为信用异常：该机构的产品已暂停下单。" : "已清除信用异常：该机构的在售产品恢复下单。");
    });
  });
  return form;
}

// Record a violation (V1, V2): terminates its open orders, sets paid
// subsidies for recovery, bars it for three years, delists its products.
function violationForm(v, reload) {
  const form = el("form", { class: "panel", id: "provider-violation", novalidate: true, "aria-labelledby": "pv-title" },
    el("h3", { id: "pv-title" }, "记录违规，取消资格"),
    el("p", { class: "notice" }, "记录后立即生效且不可撤销：终止该机构未完成的订单，已兑付补贴列入追回，取消资格并禁入三年，产品下架（《工作指南》七、5）。"),
    field("违规类型", { tag: "select", name: "kind", options: Object.entries(V_KIND) }),
    field("情况说明", { tag: "textarea", name: "description", maxlength: 5000 }),
    formErr(),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "danger" }, "记录违规")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const description = form.elements.description.value.trim();
    if (!description) return showError(form, new ApiError(400, "bad", "请填写情况说明", "description"));
    if (!(await confirmDialog("记录违规？", `${v.name}：此操作立即生效且不可撤销。`, "确认记录"))) return;
    busy(form.querySelector("button[type=submit]"), form, async () => {
      await post("/api/bureau/violations", { party: "provider", party_id: v.id, kind: form.elements.kind.value, description });
      reload("已记录违规：该机构已取消资格，产品暂停下单。");
    });
  });
  return form;
}
