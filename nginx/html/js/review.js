// The review agency's console (初审, rule R4): the claim queue and each
// claim with its figures, the R2 checks, duplicate flags, the five PDFs
// viewable inline, approve (amount ≤ the order's subsidy, reason if
// lower) or reject; and the product application queue (A5-A7).
import {
  $, el, get, post, yuan, toFen, fenInput, when, badge, table, empty, pager, field, formErr, busy,
  requireRole, router, showError, ApiError,
} from "./lib.js";
import { reviewQueue, reviewApp } from "./apps.js";
import { certQueue, certOne } from "./certs.js";

const CLAIM_STATUS = { submitted: "待初审", approved: "初审通过", rejected: "初审不通过", draft: "未提交" };
const KIND_NAME = { contract: "服务合同", commitment: "划型及用券承诺书", invoice: "发票", invoice_check: "发票查验结果", receipt: "银行收款回单" };
const view = $("#view");

export function flagText(f) {
  if (typeof f === "string") return f;
  return f.message || [f.kind || f.code, f.other_order_no || f.order_no].filter(Boolean).join(" ");
}

if (location.pathname.endsWith("/review.html") && requireRole("reviewer")) {
  $("#subnav").replaceChildren(el("a", { href: "#/claims" }, "兑付初审"), el("a", { href: "#/applications" }, "产品申报审核"),
    el("a", { href: "#/certifications" }, "机构认证"));
  router({
    "claims": claims, "claims/:id": claim,
    "certifications": (p) => certQueue(view, p), "certifications/:id": (p) => certOne(view, p),
    "applications": (p) => reviewQueue(view, p, "applications"), "applications/:id": (p) => reviewApp(view, p, "applications"),
  }, () => { location.hash = "#/claims"; });
}

export async function claims({ query }, target = view, base = "claims") {
  const status = query.get("status") || "submitted";
  const page = Number(query.get("page")) || 1;
  const r = await get(`/api/review/claims?status=${status}&page=${page}&per_page=20`);
  const filter = field("按状态筛选", { tag: "select", name: "status", value: status, options: Object.entries(CLAIM_STATUS) });
  filter.querySelector("select").addEventListener("change", (ev) => { location.hash = `#/${base}?status=` + ev.target.value; });
  target.replaceChildren(el("h2", {}, "兑付申请初审队列"), filter,
    r.items.length ? table(["订单编号", "服务机构", "企业", "产品", "补贴", "提交时间", "企业确认", "疑似重复"], r.items.map((c) => [
      el("a", { href: `#/${base}/${c.order_id}` }, c.order_no), c.provider_name, c.enterprise_name, c.product_name,
      yuan(c.subsidy), when(c.submitted_at), c.confirmed_at ? "已确认" : el("span", { class: "warn" }, "未确认"),
      c.flags && c.flags.length ? el("span", { class: "bad" }, `⚠ ${c.flags.length} 项`) : "—"])) : empty("队列为空"),
    pager(r, (p) => { location.hash = `#/${base}?status=${status}&page=${p}`; }));
}

export async function claim({ id }, target = view, base = "claims") {
  const c = await get("/api/review/claims/" + id);
  const fig = c.figures;
  // each PDF is viewable inline (?inline=1: the stored documents may be
  // framed by this site only) or downloaded
  const viewer = el("div", { class: "pdf-viewer", id: "pdf-viewer" });
  const files = el("ul", {}, ...c.files.map((f) => {
    const href = `/api/redemptions/${c.order_id}/files/${f.kind}`;
    const show = el("button", { type: "button" }, "在页面内查看");
    show.addEventListener("click", () => {
      viewer.replaceChildren(el("p", {}, KIND_NAME[f.kind] || f.kind),
        el("iframe", { src: href + "?inline=1", title: `${KIND_NAME[f.kind] || f.kind}（PDF）`, class: "pdf-frame" }));
    });
    return el("li", {}, `${KIND_NAME[f.kind] || f.kind}（${Math.ceil(f.size / 1024)} KB，SHA-256 ${f.sha256.slice(0, 12)}…） `,
      show, " ", el("a", { href, download: "" }, "下载"));
  }));
  const flags = c.flags || [];
  const parts = [
    el("section", { class: "panel" }, el("h2", {}, `兑付申请 ${c.order_no} `, badge(c.status, CLAIM_STATUS)),
      el("dl", { class: "kv" },
        el("dt", {}, "服务机构"), el("dd", {}, c.provider_name), el("dt", {}, "企业"), el("dd", {}, c.enterprise_name),
        el("dt", {}, "服务产品"), el("dd", {}, c.product_name),
        el("dt", {}, "合同"), el("dd", {}, c.contract ? `${c.contract.contract_no}，${c.contract.signed_on} 签订，金额 ${yuan(c.contract.amount)}` : "—"),
        el("dt", {}, "订单补贴"), el("dd", {}, el("b", {}, yuan(c.subsidy))),
        el("dt", {}, "企业确认完成"), el("dd", {}, c.confirmed_at ? when(c.confirmed_at) : el("span", { class: "warn" }, "尚未确认（确认前不能通过，规则 R4）")),
        el("dt", {}, "发票"), el("dd", {}, `${fig.invoice_no || "—"}，${fig.invoice_date || "—"}，总额 ${yuan(fig.invoice_total)}（券 ${yuan(fig.invoice_voucher_amount)} + 自付 ${yuan(fig.invoice_self_paid)}）`),
        el("dt", {}, "收款"), el("dd", {}, `${fig.receipt_date || "—"}，${yuan(fig.receipt_amount)}`),
        el("dt", {}, "提交时间"), el("dd", {}, when(c.submitted_at)))),
    el("section", { class: "panel" }, el("h2", {}, "疑似重复"),
      flags.length ? el("ul", { class: "checks", id: "flags" }, ...flags.map((f) => el("li", { class: "fail" }, flagText(f)))) : el("p", { class: "ok", id: "flags" }, "未发现重复的发票、合同或文件")),
    el("section", { class: "panel" }, el("h2", {}, "核对结果（规则 R2）"),
      el("ul", { class: "checks" }, ...c.checks.map((k) => el("li", { class: k.pass ? "pass" : "fail" }, k.message)))),
    el("section", { class: "panel" }, el("h2", {}, "兑付材料"), c.files.length ? files : empty("尚未上传材料"), viewer),
  ];
  if (c.status === "submitted") {
    const form = el("form", { class: "panel", id: "review-form", novalidate: true },
      el("h2", {}, "初审结论"),
      field("结论", { tag: "select", name: "decision", options: [["approve", "通过"], ["reject", "不通过"]] }),
      field("核定金额（元）", { name: "amount", inputmode: "decimal", value: fenInput(c.subsidy) }, `不得超过订单补贴 ${yuan(c.subsidy)}；低于补贴时须说明理由`),
      field("理由", { tag: "textarea", name: "reason", maxlength: 500 }, "不通过或核减金额时必须填写"),
      formErr(), el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "提交初审结论")));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const body = { decision: form.elements.decision.value };
      const reason = form.elements.reason.value.trim();
      if (reason) body.reason = reason;
      if (body.decision === "approve") {
        body.amount = toFen(form.elements.amount.value);
        if (body.amount === null) return showError(form, new ApiError(400, "bad", "请输入正确的金额", "amount"));
      }
      busy(form.querySelector("button[type=submit]"), form, async () => {
        await post("/api/review/claims/" + id, body);
        claim({ id }, target, base);
      });
    });
    parts.push(form);
  } else if (c.review) {
    parts.push(el("p", { class: c.status === "approved" ? "success" : "notice", id: "review-result" },
      `${CLAIM_STATUS[c.status] || c.status}` + (c.review.approved_amount != null ? `，核定金额 ${yuan(c.review.approved_amount)}` : "") + (c.review.reason ? `，理由：${c.review.reason}` : "")));
  }
  parts.push(el("p", {}, el("a", { href: "#/" + base }, "← 返回队列")));
  target.replaceChildren(...parts);
}
