// Product detail: prices, the subsidy and what the firm pays, a remaining
// count kept live (polled every 5 s, paused in a hidden tab), and the
// order button (an enterprise goes to its order confirmation).
import { $, el, get, yuan, when, session, showError, ratingFacts, starsText } from "./lib.js";

const id = Number(new URLSearchParams(location.search).get("id"));
const box = $("#product");

function fact(label, value, big) {
  return el("div", { class: "fact" + (big ? " big" : "") }, el("b", {}, value), el("span", {}, label));
}

function remainingText(p) {
  return p.sold_out || p.remaining_units <= 0 ? "已售罄" : `${p.remaining_units} / ${p.units_total} 份`;
}

function render(p) {
  document.title = p.name + " · 北京市中小企业服务券";
  const target = "/ent.html#/new/" + p.id;
  const order = el("a", { class: "button primary", id: "order", href: session.role === "enterprise" ? target : "/login.html?next=" + encodeURIComponent(target) }, "立即下单");
  if (p.orderable === false) {
    // sold out, delisted, or its provider may not sell now (P7)
    order.removeAttribute("href"); order.setAttribute("aria-disabled", "true");
    order.textContent = p.sold_out ? "已售罄" : "暂停下单";
  }
  const rating = p.rating.count ? `★ ${p.rating.average.toFixed(1)}（${p.rating.count} 条评价）` : "暂无评价";
  box.replaceChildren(
    el("h1", {}, p.name),
    el("p", { class: "muted" }, `${p.provider_name} · ${p.category_name} · `, el("span", { class: "stars" }, rating)),
    el("div", { class: "facts" },
      fact("企业实付（配券价 − 补贴）", yuan(p.enterprise_pays), true),
      fact("配券价", yuan(p.voucher_price)),
      fact("政府补贴（30%，单笔最高 5 万元）", yuan(p.unit_subsidy)),
      fact("市场价", yuan(p.market_price)),
      el("div", { class: "fact" }, el("b", { id: "remaining", "aria-live": "polite" }, remainingText(p)), el("span", {}, "剩余优惠名额（实时）")),
      fact("服务券有效期", p.validity_days + " 天"),
      fact("已售", p.units_sold + " 份")),
    el("div", { class: "actions" }, order,
      session.role && session.role !== "enterprise" ? el("span", { class: "muted" }, "仅企业账号可以下单") : null),
    p.orderable === false && !p.sold_out && p.unorderable_reason
      ? el("p", { class: "notice", id: "unorderable" }, p.unorderable_reason.message) : null,
    el("h2", {}, "服务内容"),
    el("p", { class: "desc" }, p.description),
    el("p", { class: "muted" }, "实际补贴以签订的服务合同为准：补贴 = min(合同金额 × 30%, 50,000 元, 下单时占用的额度)。"),
    el("section", { id: "evaluations", "aria-labelledby": "eval-h" }, el("h2", { id: "eval-h" }, "企业评价"),
      el("p", { class: "muted" }, "加载中…")));
  loadEvaluations();
}

// The ratings per aspect and the latest comments (never who wrote them)
async function loadEvaluations() {
  const sec = $("#evaluations");
  try {
    const r = await get(`/api/products/${id}/evaluations?per_page=5`);
    const comments = r.items.filter((e) => e.comment);
    sec.replaceChildren(sec.firstChild,
      r.summary.count ? ratingFacts(r.summary) : el("p", { class: "empty" }, "暂无评价"),
      comments.length ? el("ul", { class: "comments" }, ...comments.map((e) =>
        el("li", {}, el("span", { class: "stars" }, starsText(e)), el("p", {}, e.comment), el("span", { class: "muted" }, when(e.created_at))))) : null);
  } catch (e) { sec.replaceChildren(sec.firstChild); showError(sec, e); }
}

async function refresh() {
  if (document.hidden) return;
  try {
    const p = await get("/api/products/" + id);
    const r = $("#remaining");
    if (r) r.textContent = remainingText(p);
  } catch { /* keep the last count; the next poll tries again */ }
}

if (!id) showError(null, "没有指定产品");
else {
  get("/api/products/" + id).then((p) => { render(p); setInterval(refresh, 5000); })
    .catch((e) => { box.replaceChildren(); showError(null, e); });
}
