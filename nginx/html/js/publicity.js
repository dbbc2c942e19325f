// The public publicity (公示) list (rule R5): published batches with their
// totals, a batch's items with search, the CSV and the signed JSON
// downloads, feedback on an item (a tracking number comes back) and the
// lookup of a tracking number. No login.
import { $, el, get, post, yuan, when, badge, table, empty, pager, field, formErr, busy, showError, clearErrors } from "./lib.js";

const BATCH_STATUS = { published: "公示中", paid: "已兑付" };
const OBJECTION = { none: "无异议", open: "有异议，处理中", upheld: "异议成立", dismissed: "异议不成立" };
const params = new URLSearchParams(location.search);

async function batches(page = 1) {
  const r = await get(`/api/publicity/batches?page=${page}&per_page=20`);
  $("#batches").replaceChildren(
    r.items.length ? table(["批次", "状态", "发布时间", "公示期至", "条数", "公示金额", "已撤回", "已兑付", ""], r.items.map((b) => [
      b.title, badge(b.in_period ? "published" : b.status, BATCH_STATUS), when(b.published_at), when(b.period_ends_at),
      String(b.item_count), yuan(b.published_amount), yuan(b.withdrawn_amount), yuan(b.paid_amount),
      el("a", { href: `?batch=${b.id}`, "data-batch": b.id, onclick: (ev) => { ev.preventDefault(); openBatch(b.id); } }, "查看明细")])) : empty("暂无公示批次"),
    pager(r, batches));
  if (!params.get("batch") && r.items.length) openBatch(r.items[0].id, false);
}

async function openBatch(id, scroll = true, q = "", page = 1) {
  history.replaceState(null, "", `?batch=${id}`);
  const [b, r, rec] = await Promise.all([get(`/api/publicity/batches/${id}`),
    get(`/api/publicity/batches/${id}/items?per_page=50&page=${page}` + (q ? "&q=" + encodeURIComponent(q) : "")),
    get(`/api/publicity/batches/${id}/records`)]);
  const search = el("form", { class: "search", role: "search" },
    el("label", { for: "item-q", class: "visually-hidden" }, "搜索服务机构或产品"),
    el("input", { id: "item-q", name: "q", type: "search", placeholder: "搜索服务机构或产品名称", maxlength: 50, value: q }),
    el("button", { type: "submit" }, "搜索"));
  search.addEventListener("submit", (ev) => { ev.preventDefault(); openBatch(id, false, search.elements.q.value.trim()); });
  const rows = r.items.map((it, i) => {
    const fb = el("button", { type: "button", class: "link", "data-item": it.id }, "提出意见");
    fb.addEventListener("click", () => feedbackForm(it, fb));
    return [String((page - 1) * r.per_page + i + 1), it.provider, it.product, it.category_name, yuan(it.amount),
      it.withdrawn ? el("span", { class: "bad" }, "已撤回") : OBJECTION[it.objection_status] || it.objection_status,
      b.in_period && !it.withdrawn ? fb : "—"];
  });
  const box = $("#batch");
  box.replaceChildren(el("h2", { id: "batch-h" }, b.title),
    el("p", {}, badge(b.in_period ? "published" : b.status, BATCH_STATUS), ` 发布于 ${when(b.published_at)}，公示期 ${b.period_days} 天，至 ${when(b.period_ends_at)}。`),
    // published, withdrawn and paid told apart: the signed list keeps what was published
    el("dl", { class: "kv", id: "batch-totals" },
      el("dt", {}, "公示"), el("dd", {}, `${b.item_count} 条，合计 `, el("b", { id: "batch-total" }, yuan(b.published_amount))),
      el("dt", {}, "已撤回"), el("dd", { id: "batch-withdrawn" }, b.withdrawn_count ? `${b.withdrawn_count} 条，合计 ${yuan(b.withdrawn_amount)}（异议成立或违规处理）` : "无"),
      el("dt", {}, "已兑付"), el("dd", { id: "batch-paid" }, b.paid_count ? `${b.paid_count} 条，合计 ${yuan(b.paid_amount)}` + (b.paid_on ? `，首次兑付于 ${b.paid_on}` : "") + (b.last_paid_on && b.last_paid_on !== b.paid_on ? `，最近兑付于 ${b.last_paid_on}` : "") : "尚未兑付")),
    el("div", { class: "actions" },
      el("a", { class: "button", id: "csv", href: `/api/publicity/batches/${id}.csv`, download: `publicity-${id}.csv` }, "下载 CSV"),
      el("a", { class: "button", href: `/api/publicity/batches/${id}.json`, download: `publicity-${id}.json` }, "下载 JSON"),
      el("a", { class: "button", href: `/api/publicity/batches/${id}.json.sig`, download: `publicity-${id}.json.sig` }, "下载签名"),
      el("a", { class: "button", href: "/api/publicity/key", download: "publicity-key.pem" }, "下载验签公钥"),
      // issue 16 §3: the batch as open data (360Giving)
      el("a", { class: "button", id: "open-data", href: `/api/publicity/batches/${id}.360g.json`, download: `publicity-${id}.360g.json` }, "开放数据（360Giving）")),
    el("p", { class: "muted" }, "验签：openssl pkeyutl -verify -pubin -inkey publicity-key.pem -rawin -in publicity-N.json -sigfile（签名为 Base64，先解码）。文件 SHA-256：",
      el("code", {}, b.file_sha256 || "—")),
    records(rec),
    search,
    r.items.length ? table(["序号", "服务机构", "服务产品", "类别", "补贴金额", "异议状态", "意见"], rows) : empty("没有符合条件的公示条目"),
    pager(r, (p) => openBatch(id, true, q, p)),
    el("div", { id: "feedback" }));
  if (scroll) box.scrollIntoView();
}

// The signed records of a batch (rule R7): the published list never
// changes; each withdrawal and each payment is a later record, chained by
// the SHA-256 of the record before it.
const WITHDRAWN_WHY = { objection: "异议成立", violation: "违规处理" };
function recordText(x) {
  const items = (x.items || []).map((it) => `${it.provider} · ${it.product} ${yuan(it.amount)}`).join("；");
  if (x.kind === "published") return `公示名单：${x.count} 条，合计 ${yuan(x.amount)}`;
  if (x.kind === "withdrawal") return `撤回（${WITHDRAWN_WHY[x.reason] || x.reason}）：${items}`;
  return `兑付 ${x.count} 条，合计 ${yuan(x.amount)}，兑付日期 ${x.paid_on}`;
}
function records(rec) {
  return el("section", { id: "records", "aria-labelledby": "records-h" },
    el("h3", { id: "records-h" }, "记录"),
    el("p", { class: "muted" }, "公示名单发布后不再改动；此后每次撤回、每次兑付都是一条新记录，签名方式与名单相同，并写明前一条记录的 SHA-256。"),
    el("ul", { class: "records" }, ...rec.items.map((x) => el("li", { "data-seq": x.seq },
      el("b", {}, `第 ${x.seq} 号`), ` ${when(x.at)} `, recordText(x),
      x.kind === "published" ? "" : ` — 累计：已撤回 ${yuan(x.totals.withdrawn.amount)}，已兑付 ${yuan(x.totals.paid.amount)}`,
      " ", el("a", { href: x.json, download: `publicity-${rec.batch_id}-record-${x.seq}.json` }, "JSON"),
      " ", el("a", { href: x.sig, download: `publicity-${rec.batch_id}-record-${x.seq}.json.sig` }, "签名"),
      el("br"), el("small", { class: "muted" }, "SHA-256 ", el("code", {}, x.sha256))))));
}

function feedbackForm(it, opener) {
  const form = el("form", { class: "panel", id: "feedback-form", novalidate: true, "aria-labelledby": "fb-h" },
    el("h2", { id: "fb-h" }, "对公示条目提出意见"),
    el("p", {}, `${it.provider} · ${it.product} · ${yuan(it.amount)}`),
    field("意见内容", { tag: "textarea", name: "text", maxlength: 1000, required: true }),
    field("联系方式（选填）", { name: "contact", maxlength: 100 }, "便于核实，不会公开"),
    formErr(),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "提交意见")));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const body = { text: form.elements.text.value.trim() };
    const contact = form.elements.contact.value.trim();
    if (contact) body.contact = contact;
    busy(form.querySelector("button[type=submit]"), form, async () => {
      const r = await post(`/api/publicity/items/${it.id}/feedback`, body);
      form.replaceChildren(el("p", { class: "success", role: "status" }, "意见已提交，受理编号：", el("b", { id: "tracking" }, r.tracking_no),
        "。请保存此编号，可在本页上方查询处理进度。"));
    });
  });
  $("#feedback").replaceChildren(form);
  form.elements.text.focus();
  void opener;
}

const FB_STATUS = { open: "处理中", upheld: "意见成立", dismissed: "意见不成立" };
const track = $("#track");
track.addEventListener("submit", (ev) => {
  ev.preventDefault();
  clearErrors(track);
  const no = track.elements.tracking_no.value.trim();
  if (!no) return showError(track, { message: "请输入受理编号", field: "tracking_no", toString() { return this.message; } });
  busy(track.querySelector("button"), track, async () => {
    const t = await get("/api/publicity/feedback/" + encodeURIComponent(no));
    $("#track-result").replaceChildren(el("dl", { class: "kv", id: "track-dl" },
      el("dt", {}, "受理编号"), el("dd", {}, t.tracking_no),
      el("dt", {}, "状态"), el("dd", {}, badge(t.status, FB_STATUS), " ", t.outcome || ""),
      el("dt", {}, "提交时间"), el("dd", {}, when(t.created_at)),
      el("dt", {}, "公示条目"), el("dd", {}, `${t.item.provider} · ${t.item.product} · ${yuan(t.item.amount)}`),
      t.decided_at ? [el("dt", {}, "处理时间"), el("dd", {}, when(t.decided_at))] : null,
      t.note ? [el("dt", {}, "处理说明"), el("dd", {}, t.note)] : null));
  });
});

batches().catch((e) => showError(null, e));
if (params.get("batch")) openBatch(Number(params.get("batch")), false).catch((e) => showError(null, e));
