// The public catalog: category tabs, search, sort and product cards, read
// from the catalog program's JSON API. No framework, no inline script.
const $ = (sel) => document.querySelector(sel);
const state = { category: "", q: "", sort: "newest", page: 1 };

// Fen (integer) to "¥1,234.50" (rule M1: money is never a float here).
export function yuan(fen) {
  const neg = fen < 0, abs = Math.abs(fen);
  const whole = Math.floor(abs / 100).toLocaleString("zh-CN");
  const cents = String(abs % 100).padStart(2, "0");
  return (neg ? "-¥" : "¥") + whole + "." + cents;
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

async function api(path) {
  const r = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error ? body.error.message : "请求失败");
  return body;
}

async function loadTabs() {
  const { items } = await api("/api/categories");
  const tabs = $("#tabs");
  const all = [{ code: "", name_zh: "全部", product_count: null }, ...items];
  for (const c of all) {
    const b = el("button", { type: "button", "aria-pressed": String(c.code === state.category) },
      c.name_zh + (c.product_count != null ? `（${c.product_count}）` : ""));
    b.addEventListener("click", () => {
      state.category = c.code; state.page = 1;
      for (const x of tabs.children) x.setAttribute("aria-pressed", "false");
      b.setAttribute("aria-pressed", "true");
      loadProducts();
    });
    tabs.append(b);
  }
}

function card(p) {
  const left = p.sold_out ? el("span", { class: "soldout" }, "已售罄") : `剩余 ${p.remaining_units} 份`;
  const rating = p.rating.count ? `★ ${p.rating.average.toFixed(1)}（${p.rating.count}）` : "暂无评价";
  return el("article", { class: "card" },
    el("h2", {}, p.name),
    el("div", { class: "prov" }, `${p.provider_name} · ${p.category_name}`),
    el("div", { class: "price" }, "企业实付 " + yuan(p.enterprise_pays)),
    el("div", { class: "row" }, el("span", {}, "配券价 " + yuan(p.voucher_price)), el("span", {}, "补贴 " + yuan(p.unit_subsidy))),
    el("div", { class: "row" }, el("span", {}, left), el("span", {}, rating)),
    el("div", { class: "row" }, el("span", {}, `市场价 ${yuan(p.market_price)}`), el("span", {}, `有效期 ${p.validity_days} 天`)));
}

async function loadProducts() {
  const q = new URLSearchParams({ sort: state.sort, page: state.page, per_page: 24 });
  if (state.category) q.set("category", state.category);
  if (state.q) q.set("q", state.q);
  $("#status").textContent = "加载中…";
  try {
    const r = await api("/api/products?" + q);
    const box = $("#products");
    box.replaceChildren(...r.items.map(card));
    $("#status").textContent = r.total ? `共 ${r.total} 个产品` : "没有符合条件的产品";
    const pages = Math.max(1, Math.ceil(r.total / r.per_page));
    const pager = $("#pager");
    pager.replaceChildren();
    if (pages > 1) {
      const prev = el("button", { type: "button" }, "上一页");
      const next = el("button", { type: "button" }, "下一页");
      prev.disabled = state.page <= 1; next.disabled = state.page >= pages;
      prev.addEventListener("click", () => { state.page--; loadProducts(); });
      next.addEventListener("click", () => { state.page++; loadProducts(); });
      pager.append(prev, el("span", {}, `${state.page} / ${pages}`), next);
    }
  } catch (e) {
    $("#status").textContent = e.message;
  }
}

$("#search").addEventListener("submit", (ev) => {
  ev.preventDefault();
  state.q = $("#q").value.trim(); state.sort = $("#sort").value; state.page = 1;
  loadProducts();
});
loadTabs().catch((e) => { $("#status").textContent = e.message; });
loadProducts();
