// The review agency's console (初审, rule R4): the claim queue and each
// claim with its figures, the R2 checks, duplicate flags, the five PDFs
// viewable inline, approve (amount ≤ the order's subsidy, reason if
// lower), return for correction (退回补正, with what to fix) or reject,
// the rounds of a claim; and the product application queue (A5-A7).
import { scorecard } from "./scorecard.js";
import {
  $, el, get, post, yuan, toFen, fenInput, when, badge, table, empty, pager, field, formErr, busy,
  requireRole, router, showError, ApiError,
} from "./lib.js";
import { reviewQueue, reviewApp } from "./apps.js";
import { certQueue, certOne } from "./certs.js";

const CLAIM_STATUS = { submitted: "待初审", approved: "初审通过", rejected: "初审不通过", returned: "退回补正", draft: "未提交" };
const ROUND_DECISION = { approved: "初审通过", rejected: "初审不通过", returned: "退回补正" };
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
    "scorecard/:id": (p) => scorecard(view, p.id),
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
  // the five documents, then the guide's other files (titled, up to ten)
  const all = [...c.files.map((f) => ({ ...f, href: `/api/redemptions/${c.order_id}/files/${f.kind}`, name: KIND_NAME[f.kind] || f.kind })),
    ...(c.other_files || []).map((f) => ({ ...f, kind: "other-" + f.slot, href: `/api/redemptions/${c.order_id}/files/other/${f.slot}`, name: `其他文件：${f.title}` }))];
  const files = el("ul", { id: "claim-files" }, ...all.map((f) => {
    const href = f.href;
    const show = el("button", { type: "button" }, "在页面内查看");
    show.addEventListener("click", () => {
      viewer.replaceChildren(el("p", {}, f.name),
        el("iframe", { src: href + "?inline=1", title: `${f.name}（PDF）`, class: "pdf-frame" }));
    });
    return el("li", {}, `${f.name}（${Math.ceil(f.size / 1024)} KB，SHA-256 ${f.sha256.slice(0, 12)}…） `,
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
        el("dt", {}, "企业确认完成"), el("dd", { id: "confirmation" }, c.confirmed_at ? when(c.confirmed_at)
          : c.unconfirmed ? el("span", { class: "warn" }, "未经企业确认作出决定" + (c.unconfirmed_reason ? `（理由：${c.unconfirmed_reason}）` : "（确认期已满）"))
          : el("span", { class: "warn" }, `尚未确认。企业确认期至 ${when(c.confirm_by)}，期满后可不经企业确认通过；市经信局可写明理由提前决定`)),
        el("dt", {}, "发票"), el("dd", {}, `${fig.invoice_no || "—"}，${fig.invoice_date || "—"}，总额 ${yuan(fig.invoice_total)}（券 ${yuan(fig.invoice_voucher_amount)} + 自付 ${yuan(fig.invoice_self_paid)}）`),
        el("dt", {}, "收款"), el("dd", {}, `${fig.receipt_date || "—"}，${yuan(fig.receipt_amount)}`),
        el("dt", {}, "提交时间"), el("dd", {}, when(c.submitted_at)),
        el("dt", {}, "服务券有效期至"), el("dd", {}, when(c.valid_until)))),
    c.history && c.history.length > 1 ? el("section", { class: "panel" }, el("h2", {}, "审核记录"),
      el("ol", { class: "timeline", id: "claim-history" }, ...c.history.map((h) => el("li", {},
        `第 ${h.round} 次提交 ${when(h.submitted_at)} · `, el("b", {}, h.decision ? ROUND_DECISION[h.decision] : "待初审"),
        h.decision ? ` · ${when(h.reviewed_at)}` : "", h.reason ? ` · ${h.reason}` : "")))) : null,
    el("section", { class: "panel" }, el("h2", {}, "疑似重复"),
      flags.length ? el("ul", { class: "checks", id: "flags" }, ...flags.map((f) => el("li", { class: "fail" }, flagText(f)))) : el("p", { class: "ok", id: "flags" }, "未发现重复的发票、合同或文件")),
    el("section", { class: "panel" }, el("h2", {}, "核对结果"),
      el("ul", { class: "checks" }, ...c.checks.map((k) => el("li", { class: k.pass ? "pass" : "fail" }, k.message)))),
    el("section", { class: "panel" }, el("h2", {}, "兑付材料"), all.length ? files : empty("尚未上传材料"), viewer),
  ];
  if (c.status === "submitted") {
    const form = el("form", { class: "panel", id: "review-form", novalidate: true },
      el("h2", {}, "初审结论"),
      field("结论", { tag: "select", name: "decision", options: [["approve", "通过"], ["return", "退回补正"], ["reject", "不通过"]] }),
      field("核定金额（元）", { name: "amount", inputmode: "decimal", value: fenInput(c.subsidy) }, `不得超过订单补贴 ${yuan(c.subsidy)}；低于补贴时须说明理由`),
      field("理由", { tag: "textarea", name: "reason", maxlength: 500 }, "不通过、退回补正（写明需更换的材料或更正的数据）或核减金额时必须填写"),
      !c.confirmed_at && location.pathname.endsWith("/bureau.html") ? field("未经企业确认即通过的理由", { tag: "textarea", name: "unconfirmed_reason", maxlength: 500 },
        "企业确认期未满时，市经信局须写明理由方可通过") : null,
      formErr(), el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "提交初审结论")));
    const amountField = form.elements.amount.closest(".field") || form.elements.amount.parentNode;
    form.elements.decision.addEventListener("change", () => { amountField.hidden = form.elements.decision.value !== "approve"; });
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const body = { decision: form.elements.decision.value };
      const reason = form.elements.reason.value.trim();
      if (reason) body.reason = reason;
      const early = form.elements.unconfirmed_reason ? form.elements.unconfirmed_reason.value.trim() : "";
      if (early && body.decision === "approve") body.unconfirmed_reason = early;
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
  target.replaceChildren(...parts.filter(Boolean));
}
