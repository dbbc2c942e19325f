// Product applications (征集, rules A2-A7): the provider's "my applications"
// (draft save, save, submit, attachments, states) and the review queue of
// the reviewer and the bureau. The collection API may not be deployed yet:
// a 404 from it shows a plain "not yet available" notice.
import {
  el, get, post, api, upload, yuan, toFen, fenInput, when, badge, table, empty, pager, field, formErr,
  busy, confirmDialog, showError, clearErrors, session, ApiError,
} from "./lib.js";
import { scorecardPanel } from "./scorecard.js";

const APP_STATUS = { draft: "待提交", pending: "待审核", approved: "已通过", returned: "退回修改", rejected: "审核不通过" };
const CATEGORIES = [["digital", "数字化赋能"], ["cloud", "上云用云"], ["talent", "人才与培训"], ["innovation", "科技创新"],
  ["transfer", "成果转化"], ["design", "工业设计"], ["it", "信息化开发"], ["ipo", "上市培育"], ["finance", "财税审计"],
  ["market", "市场开拓"], ["legal", "法律咨询"], ["other", "其他创新创业服务"]];
// [name, label, kind, required]
const PROVIDER_FIELDS = [
  ["website", "单位网址", "text"], ["app_name", "应用 APP 名称", "text"], ["mini_program_name", "微信小程序名称", "text"],
  ["established_on", "成立日期", "date", true], ["beijing_registered", "在北京注册（含分支机构）", "bool", true],
  ["main_body_beijing", "主体机构在北京注册", "bool", true], ["has_premises", "有固定经营场所", "bool", true],
  ["premises_address", "经营地址", "text"], ["credit_ok", "近三年无严重失信、非失信被执行人", "bool", true],
  ["revenue_year_before", "前年营业收入（元）", "money", true], ["revenue_last_year", "上年营业收入（元）", "money", true],
  ["last_year_contracts", "上年度合同数量", "int", true], ["beijing_clients_last_year", "上年签约北京企业数", "int", true],
  ["national_clients_last_year", "上年签约全国企业数", "int", true],
  ["standards_work", "参与标准制定情况", "textarea"], ["brand_standing", "品牌影响力", "textarea"],
];
const PRODUCT_FIELDS = [
  ["name", "产品名称", "text", true], ["category", "类别", "category", true], ["description", "服务内容", "textarea", true],
  ["market_price", "市场价（近三月均价，元）", "money", true], ["voucher_price", "配券价（元，≤ 市场价 8 折）", "money", true],
  ["requested_units", "申请优惠名额（份）", "int"], ["requested_validity_days", "申请有效期（天，≤ 60）", "int"],
  ["beijing_revenue_year_before", "前年北京地区该产品收入（元）", "money", true],
  ["beijing_revenue_last_year", "上年北京地区该产品收入（元）", "money", true],
  ["beijing_clients_last_year", "上年该产品服务北京企业数", "int", true],
  ["premium_clients_served", "服务专精特新/小巨人企业数", "int"], ["has_ip", "拥有相关知识产权", "bool"],
  ["beijing_clients_served", "累计服务北京企业数", "int"],
];

// Is the collection program deployed here? (/features.json, ops/site.py)
let deployed;
async function available(view) {
  if (deployed === undefined) {
    try { deployed = (await get("/features.json")).programs.includes("collection"); } catch { deployed = true; }
  }
  if (!deployed) unavailable(view, new ApiError(404, "not_found", "没有这个接口"));
  return deployed;
}

function unavailable(view, e) {
  if (e instanceof ApiError && e.status === 404 && (e.code === "not_found" || e.code === "http_404") && /接口/.test(e.message)) {
    view.replaceChildren(el("h2", {}, "产品申报"), el("p", { class: "notice", id: "apps-unavailable" },
      "产品申报功能暂未开放（接口尚未上线），请稍后再试。"));
    return true;
  }
  return false;
}

// ---- the provider ------------------------------------------------------
export async function applications(view, { query }) {
  if (!(await available(view))) return;
  const status = query.get("status") || "all";
  const page = Number(query.get("page")) || 1;
  let r;
  try { r = await get(`/api/applications?status=${status}&page=${page}&per_page=20`); }
  catch (e) { if (unavailable(view, e)) return; throw e; }
  const filter = field("按状态筛选", { tag: "select", name: "status", value: status, options: [["all", "全部"], ...Object.entries(APP_STATUS)] });
  filter.querySelector("select").addEventListener("change", (ev) => { location.hash = "#/applications?status=" + ev.target.value; });
  const create = el("button", { type: "button", class: "primary", id: "new-app" }, "新建申报");
  const box = el("div", {}, formErr());
  create.addEventListener("click", () => busy(create, box, async () => {
    const a = await post("/api/applications", { provider: {}, products: [{}] });
    location.hash = "#/applications/" + a.id;
  }));
  view.replaceChildren(el("h2", {}, "我的产品申报"),
    el("p", { class: "muted" }, "申报可临时保存（不校验）、保存（校验全部字段）和提交（还须上传全部必需材料，提交后冻结；退回修改后可再次提交）。"),
    el("div", { class: "actions" }, create), box, filter,
    r.items.length ? table(["编号", "状态", "最近提交", "提交次数", ""], r.items.map((a) => [
      String(a.id), badge(a.status, APP_STATUS), when(a.last_submitted_at), String(a.submit_count ?? 0),
      el("a", { href: "#/applications/" + a.id }, "查看")])) : empty("暂无申报"),
    pager(r, (p) => { location.hash = `#/applications?status=${status}&page=${p}`; }));
}

function input(prefix, [name, label, kind, req], value, disabled) {
  const n = prefix + name;
  const common = { name: n, disabled, required: req || null };
  if (kind === "bool") return field(label, { ...common, tag: "select", value: value === true ? "1" : value === false ? "0" : "", options: [["", "请选择"], ["1", "是"], ["0", "否"]] });
  if (kind === "category") return field(label, { ...common, tag: "select", value: value || "", options: [["", "请选择"], ...CATEGORIES] });
  if (kind === "textarea") return field(label, { ...common, tag: "textarea", value: value || "" });
  if (kind === "money") return field(label, { ...common, inputmode: "decimal", value: fenInput(value) });
  if (kind === "int") return field(label, { ...common, type: "number", min: 0, value: value ?? "" });
  return field(label, { ...common, type: kind === "date" ? "date" : "text", value: value || "" });
}

function readField(form, name, kind) {
  const v = form.elements[name].value.trim();
  if (v === "") return undefined;
  if (kind === "bool") return v === "1";
  if (kind === "money") return toFen(v) ?? v;
  if (kind === "int") return Number(v);
  return v;
}

function readForm(form, nproducts) {
  const provider = {};
  for (const [n, , k] of PROVIDER_FIELDS) { const v = readField(form, "provider." + n, k); if (v !== undefined) provider[n] = v; }
  const products = [];
  for (let i = 0; i < nproducts; i++) {
    const p = {};
    for (const [n, , k] of PRODUCT_FIELDS) { const v = readField(form, `products.${i}.${n}`, k); if (v !== undefined) p[n] = v; }
    products.push(p);
  }
  return { provider, products };
}

// every failing field of a validation reply beside its input
function showAll(form, e) {
  if (!(e instanceof ApiError) || !e.errors.length) return showError(form, e);
  showError(form, new ApiError(e.status, e.code, e.message));
  for (const x of e.errors) {
    const name = String(x.field || "").replace(/^products\[(\d+)\]/, "products.$1");
    const i = form.querySelector(`[name="${CSS.escape(name)}"]`);
    const box = i && document.getElementById(i.id + "-err");
    if (box) { i.setAttribute("aria-invalid", "true"); box.textContent = x.message; }
  }
}

function attachmentsPanel(a, editable) {
  const items = a.attachments || [];
  const missing = new Set((a.missing_attachments || []).map((m) => (typeof m === "string" ? m : m.item)));
  const search = el("form", { class: "search" }, el("label", { for: "att-q", class: "visually-hidden" }, "按文件名搜索"),
    el("input", { id: "att-q", name: "q", placeholder: "按文件名搜索材料" }), el("button", { type: "submit" }, "搜索"));
  const list = el("div", { class: "uploads" });
  const render = (rows) => list.replaceChildren(...rows.map((it) => {
    const prog = el("progress", { max: 100, value: it.size ? 100 : 0, "aria-label": (it.label || it.item) + " 上传进度" });
    const err = el("span", { class: "field-err", role: "alert" });
    const file = el("input", { type: "file", accept: "application/pdf,image/png,image/jpeg", disabled: !editable, "aria-label": "上传 " + (it.label || it.item) });
    file.addEventListener("change", async () => {
      const f = file.files[0]; if (!f) return;
      err.textContent = "";
      try {
        await upload(`/api/applications/${a.id}/attachments/${it.item}?name=${encodeURIComponent(f.name)}`, f, (p) => { prog.value = p; }, f.type || "application/pdf");
      } catch (e) { prog.value = 0; err.textContent = e.message; }
    });
    return el("div", { class: "upload-row" },
      el("span", {}, `${it.item} ${it.label || ""}`, it.required || missing.has(it.item) ? el("b", { class: "bad" }, " *") : null),
      el("div", {}, it.name ? el("a", { href: `/api/applications/${a.id}/attachments/${it.item}` }, it.name) : el("span", { class: "muted" }, "未上传"), " ", file, err),
      el("div", {}, prog));
  }));
  render(items);
  search.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try { const r = await get(`/api/applications/${a.id}/attachments?q=${encodeURIComponent(search.elements.q.value.trim())}`); render(r.items || []); }
    catch (e) { showError(search, e); }
  });
  return el("section", { class: "panel" }, el("h2", {}, "申报材料（附件 1 清单，* 为必需）"),
    missing.size ? el("p", { class: "warn" }, "尚缺必需材料：" + [...missing].join("、")) : null, search, list);
}

export async function application(view, { id }) {
  if (!(await available(view))) return;
  let a;
  try { a = await get("/api/applications/" + id); }
  catch (e) { if (unavailable(view, e)) return; throw e; }
  const editable = a.editable !== false;
  const form = el("form", { class: "panel", id: "app-form", novalidate: true });
  const f = a.form || {};
  const products = Array.isArray(f.products) && f.products.length ? f.products : [{}];
  form.append(el("h2", {}, `申报 #${a.id} `, badge(a.status, APP_STATUS)),
    el("h3", {}, "服务机构信息"), el("div", { class: "grid2" }, ...PROVIDER_FIELDS.map((d) => input("provider.", d, (f.provider || {})[d[0]], !editable))));
  products.forEach((p, i) => form.append(el("h3", {}, `产品 ${i + 1}`),
    el("div", { class: "grid2" }, ...PRODUCT_FIELDS.map((d) => input(`products.${i}.`, d, p[d[0]], !editable)))));
  form.append(formErr());
  const msg = el("p", { role: "status", class: "ok" });
  const draft = el("button", { type: "button" }, "临时保存");
  const save = el("button", { type: "button" }, "保存");
  const submit = el("button", { type: "button", class: "primary" }, "提交");
  const addProduct = el("button", { type: "button" }, "添加产品");
  const put = (mode) => api("PUT", `/api/applications/${a.id}?mode=${mode}`, readForm(form, products.length));
  const run = (btn, fn) => { msg.textContent = ""; clearErrors(form); btn.disabled = true;
    fn().catch((e) => showAll(form, e)).finally(() => { btn.disabled = false; }); };
  draft.addEventListener("click", () => run(draft, async () => { await put("draft"); msg.textContent = "已临时保存（未校验）。"; }));
  save.addEventListener("click", () => run(save, async () => { await put("save"); msg.textContent = "已保存，全部字段校验通过。"; }));
  addProduct.addEventListener("click", () => run(addProduct, async () => {
    const body = readForm(form, products.length); body.products.push({});
    await api("PUT", `/api/applications/${a.id}?mode=draft`, body); application(view, { id });
  }));
  submit.addEventListener("click", async () => {
    if (!(await confirmDialog("提交申报？", "提交后申报表和材料将冻结并进入审核，审核退回前不能修改。", "确认提交"))) return;
    run(submit, async () => { await put("save"); await post(`/api/applications/${a.id}/submit`); application(view, { id }); });
  });
  if (editable) form.append(el("div", { class: "actions" }, draft, save, addProduct, submit), msg);
  else form.append(el("p", { class: "muted" }, "申报已提交，当前不可修改。"));
  const history = (a.history || []).map((h) => el("li", {}, el("time", {}, when(h.at)), " ", APP_STATUS[h.to_status || h.status] || h.to_status || h.status || "", h.comment ? " · " + h.comment : ""));
  view.replaceChildren(form, attachmentsPanel(a, editable),
    history.length ? el("section", { class: "panel" }, el("h2", {}, "审核记录"), el("ol", { class: "timeline" }, ...history)) : null,
    el("p", {}, el("a", { href: "#/applications" }, "← 返回我的申报")));
}

// ---- the reviewer and the bureau -----------------------------------------
export async function reviewQueue(view, { query }, base) {
  if (!(await available(view))) return;
  const status = query.get("status") || "pending";
  let r;
  try { r = await get(`/api/review/applications?status=${status}&per_page=50`); }
  catch (e) { if (unavailable(view, e)) return; throw e; }
  const filter = field("按状态筛选", { tag: "select", name: "status", value: status, options: Object.entries(APP_STATUS).filter(([k]) => k !== "draft") });
  filter.querySelector("select").addEventListener("change", (ev) => { location.hash = `#/${base}?status=` + ev.target.value; });
  view.replaceChildren(el("h2", {}, "产品申报审核队列"),
    el("p", { class: "muted" }, "服务过专精特新、小巨人企业的申报优先排列（《工作指南》四（二）9）。"), filter,
    r.items.length ? table(["编号", "服务机构", "状态", "最近提交", "服务评分卡", ""], r.items.map((a) => [
      String(a.id), a.provider_name || "", badge(a.status, APP_STATUS), when(a.last_submitted_at),
      // issue 16 §4: the provider's figures beside each application
      el("a", { href: `#/scorecard/${a.provider_id}` }, "评分卡"),
      el("a", { href: `#/${base}/${a.id}` }, "审核")])) : empty("暂无待审核的申报"));
}

export async function reviewApp(view, { id }, base) {
  if (!(await available(view))) return;
  let a;
  try { a = await get("/api/review/applications/" + id); }
  catch (e) { if (unavailable(view, e)) return; throw e; }
  const f = a.form || {};
  const prov = f.provider || {};
  const products = f.products || [];
  const dl = (pairs) => el("dl", { class: "kv" }, ...pairs.flatMap(([n, label, k]) => {
    const v = n in pairs.src ? pairs.src[n] : undefined;
    return [el("dt", {}, label), el("dd", {}, v === undefined || v === null ? "—" : k === "money" ? yuan(v) : k === "bool" ? (v ? "是" : "否") : String(v))];
  }));
  const provFields = Object.assign([...PROVIDER_FIELDS], { src: prov });
  const form = el("form", { class: "panel", novalidate: true },
    el("h2", {}, "审核意见"),
    field("结论", { tag: "select", name: "decision", options: [["approve", "通过"], ["return", "退回修改"], ["reject", "不通过"]] }),
    field("意见", { tag: "textarea", name: "comment", maxlength: 1000 }, "退回或不通过时必须填写"));
  const isBureau = session.role === "bureau";
  if (isBureau) products.forEach((p, i) => form.append(el("div", { class: "grid2" },
    field(`产品 ${i + 1} 优惠名额（份）`, { name: `units.${i}`, type: "number", min: 1, value: p.requested_units || 10 }),
    field(`产品 ${i + 1} 有效期（天）`, { name: `validity_days.${i}`, type: "number", min: 1, max: 60, value: p.requested_validity_days || 30 }))));
  form.append(formErr(), el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "提交审核意见")));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const body = { decision: form.elements.decision.value };
    const c = form.elements.comment.value.trim();
    if (c) body.comment = c;
    if (isBureau && body.decision === "approve") body.products = products.map((_, i) => ({ index: i, units: Number(form.elements[`units.${i}`].value), validity_days: Number(form.elements[`validity_days.${i}`].value) }));
    busy(form.querySelector("button[type=submit]"), form, async () => { await post("/api/review/applications/" + id, body); location.hash = "#/" + base; });
  });
  view.replaceChildren(
    el("section", { class: "panel" }, el("h2", {}, `申报 #${a.id} `, badge(a.status, APP_STATUS)), el("p", {}, a.provider_name || ""), dl(provFields)),
    ...products.map((p, i) => el("section", { class: "panel" }, el("h3", {}, `产品 ${i + 1}：${p.name || ""}`), dl(Object.assign([...PRODUCT_FIELDS], { src: p })))),
    el("section", { class: "panel" }, el("h2", {}, "申报材料"), el("ul", {}, ...(a.attachments || []).map((it) =>
      el("li", {}, `${it.item} ${it.label || ""} `, it.name ? el("a", { href: `/api/applications/${a.id}/attachments/${it.item}` }, it.name) : "未上传")))),
    a.status === "pending" ? form : null,
    // issue 16 §4: the provider's scorecard beside the application
    a.provider_id ? await scorecardPanel(a.provider_id) : null,
    el("p", {}, el("a", { href: "#/" + base }, "← 返回审核队列")));
}
