// The verification queue of organisations that joined by themselves
// (rules E9, E12), shared by the reviewer's and the bureau's consoles:
// the queue by state, one certification with its values (a change shows
// what changes), the checks that help (the USCC, the bureau's lists, the
// credit list) and its licence viewed in the page, and the decision.
import { el, get, post, when, table, empty, pager, field, formErr, busy } from "./lib.js";

const STATUS = { pending: "待审核", approved: "已通过", returned: "退回修改", rejected: "不予认证" };
const LABEL = {
  name: "单位名称", uscc: "统一社会信用代码", legal_representative: "法定代表人", registered_district: "注册所在区",
  registered_in_beijing: "在北京市登记注册", is_enterprise: "单位性质为企业", main_body_in_beijing: "主体在北京市注册",
  industry: "行业", employees: "从业人员（人）", revenue: "营业收入", total_assets: "资产总额", year: "数据年度",
  size_class: "划型结果", size_basis: "划型依据",
};
const SIZE = { micro: "微型", small: "小型", medium: "中型", large: "大型" };

function show(key, v) {
  if (v === null || v === undefined) return "—";
  if (typeof v === "boolean") return v ? "是" : "否";
  if (key === "revenue" || key === "total_assets")
    return "¥" + Math.floor(v / 100).toLocaleString("zh-CN") + "." + String(v % 100).padStart(2, "0");
  if (key === "size_class") return SIZE[v] || v;
  return String(v);
}

export async function certQueue(view, { query }, base = "certifications") {
  const status = query.get("status") || "pending";
  const page = Number(query.get("page")) || 1;
  const r = await get(`/api/review/certifications?status=${status}&page=${page}&per_page=20`);
  const filter = field("按状态筛选", { tag: "select", name: "status", value: status, options: Object.entries(STATUS) });
  filter.querySelector("select").addEventListener("change", (ev) => { location.hash = `#/${base}?status=` + ev.target.value; });
  const flash = sessionStorage.getItem("flash");
  sessionStorage.removeItem("flash");
  view.replaceChildren(flash ? el("p", { class: "success", role: "status", id: "cert-flash" }, flash) : "",
    el("h2", {}, "机构认证审核队列"), filter,
    r.items.length ? table(["申请", "类型", "单位名称", "统一社会信用代码", "划型", "提交时间", "状态"], r.items.map((c) => [
      el("a", { href: `#/${base}/${c.id}` }, c.is_change ? `变更 #${c.id}` : `认证 #${c.id}`), c.kind_name, c.name, c.uscc,
      c.size_class_name || "—", when(c.submitted_at), STATUS[c.status] || c.status])) : empty("队列为空"),
    pager(r, (p) => { location.hash = `#/${base}?status=${status}&page=${p}`; }));
}

export async function certOne(view, { id }, base = "certifications") {
  const c = await get("/api/review/certifications/" + id);
  const changed = new Set(c.changes || []);
  const keys = Object.keys(LABEL).filter((k) => k in c.values);
  const rows = keys.map((k) => [LABEL[k], changed.has(k) ? el("b", { class: "warn" }, show(k, c.values[k])) : show(k, c.values[k]),
    c.certified ? show(k, c.certified[k]) : "—"]);
  const checks = [el("li", { class: c.checks.uscc_valid ? "pass" : "fail" },
    c.checks.uscc_valid ? "统一社会信用代码校验位正确" : "统一社会信用代码无效")];
  checks.push(el("li", { class: c.checks.uscc_taken ? "fail" : "pass" },
    c.checks.uscc_taken ? "该代码已由其他机构认证" : "该代码没有其他机构认证"));
  const q = c.checks.qualifications;
  if (q) checks.push(el("li", {}, `资质（${q.year ?? "—"} 年度名单）：申报专精特新${q.claims_specialized ? "是" : "否"}，名单${q.on_specialized_list ? "有" : "无"}；` +
    `申报小巨人${q.claims_little_giant ? "是" : "否"}，名单${q.on_little_giant_list ? "有" : "无"}`));
  if ("credit_list" in c.checks) checks.push(el("li", { class: c.checks.credit_list ? "fail" : "pass" },
    c.checks.credit_list ? `信用名单：${c.checks.credit_list.source}` : "不在信用名单上"));
  const viewer = el("div", { class: "pdf-viewer", id: "licence-viewer" });
  const lic = c.licence;
  if (lic) {
    const url = lic.url + "?inline=1";
    viewer.append(lic.content_type === "application/pdf" ?
      el("iframe", { src: url, title: "营业执照（PDF）", class: "pdf-frame" }) :
      el("img", { src: url, alt: "营业执照", class: "licence-img" }));
  }
  const parts = [el("p", {}, el("a", { href: `#/${base}` }, "← 返回队列")),
    el("section", { class: "panel", "aria-labelledby": "c-h" },
      el("h2", { id: "c-h" }, `${c.kind_name}${c.is_change ? "认证变更" : "认证"}：${c.name}`),
      el("p", { class: "muted" }, `提交于 ${when(c.submitted_at)} · 状态：${STATUS[c.status] || c.status}` +
        (c.decided_at ? ` · ${when(c.decided_at)} 处理` : "") + (c.reason ? ` · 说明：${c.reason}` : "")),
      table(["项目", "申报内容", c.is_change ? "现已认证" : ""], rows),
      el("h3", {}, "核对"), el("ul", { class: "checks", id: "cert-checks" }, ...checks),
      el("h3", {}, "营业执照"), lic ? el("p", {}, `${lic.name}（${Math.ceil(lic.size / 1024)} KB，SHA-256 ${lic.sha256.slice(0, 12)}…） `,
        el("a", { href: lic.url, download: "" }, "下载")) : empty("未上传"), viewer)];
  if (c.status === "pending") {
    const f = el("form", { id: "cert-decide", novalidate: true },
      field("审核结论", { tag: "select", name: "decision", value: "approve",
        options: [["approve", "通过"], ["return", "退回修改"], ["reject", "不予认证"]] }),
      field("说明（退回或不予认证时必填，申请人可见）", { tag: "textarea", name: "reason", maxlength: 1000 }),
      formErr(), el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "提交审核结论")));
    f.addEventListener("submit", (ev) => {
      ev.preventDefault();
      busy(f.querySelector("button[type=submit]"), f, async () => {
        const reason = f.elements.reason.value.trim();
        const r = await post(`/api/review/certifications/${c.id}`, { decision: f.elements.decision.value, ...(reason ? { reason } : {}) });
        sessionStorage.setItem("flash", `认证 #${r.id}：${STATUS[r.status]}`);
        location.hash = `#/${base}`;
      });
    });
    parts.push(el("section", { class: "panel", "aria-labelledby": "d-h" }, el("h2", { id: "d-h" }, "审核"), f));
  }
  view.replaceChildren(...parts);
}
