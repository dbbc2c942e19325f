// The public catalog (home page): the 12 category tabs (one Tab stop, the
// arrow keys between them), search in Chinese,
// price filters and sort, product cards; the state lives in the URL
// (?category=&q=&sort=&min=&max=&page=) so that back and links work.
import { $, el, get, yuan, toFen, showError, clearErrors, ApiError } from "./lib.js";

const url = new URLSearchParams(location.search);
const state = {
  category: url.get("category") || "", q: url.get("q") || "", sort: url.get("sort") || "newest",
  min: url.get("min") || "", max: url.get("max") || "", page: Number(url.get("page")) || 1,
};

function stars(p) {
  if (!p.rating.count) return el("span", {}, "暂无评价");
  return el("span", { class: "stars", title: "评分" }, `★ ${p.rating.average.toFixed(1)}（${p.rating.count}）`);
}

function card(p) {
  const left = p.sold_out ? el("span", { class: "soldout" }, "已售罄")
    : p.orderable === false ? el("span", { class: "soldout" }, "暂停下单") : `剩余 ${p.remaining_units} 份`;
  return el("article", { class: "card" },
    el("h2", {}, el("a", { href: "/product.html?id=" + p.id }, p.name)),
    el("div", { class: "prov" }, `${p.provider_name} · ${p.category_name}`),
    el("div", { class: "price" }, "企业实付 " + yuan(p.enterprise_pays)),
    el("div", { class: "row" }, el("span", {}, "配券价 " + yuan(p.voucher_price)), el("span", {}, "补贴 " + yuan(p.unit_subsidy))),
    el("div", { class: "row" }, el("span", { class: "left" }, left), stars(p)),
    el("div", { class: "row" }, el("span", {}, `市场价 ${yuan(p.market_price)}`), el("span", {}, `有效期 ${p.validity_days} 天`)));
}

function syncUrl() {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(state)) if (v && !(k === "page" && v === 1) && !(k === "sort" && v === "newest")) q.set(k, v);
  history.replaceState(null, "", q.toString() ? "?" + q : location.pathname);
}

async function loadTabs() {
  const { items } = await get("/api/categories");
  const tabs = $("#tabs");
  const all = [{ code: "", name_zh: "全部", product_count: null }, ...items];
  tabs.replaceChildren(...all.map((c) => {
    const b = el("button", { type: "button", "aria-pressed": String(c.code === state.category), "data-code": c.code },
      c.name_zh + (c.product_count != null ? `（${c.product_count}）` : ""));
    b.addEventListener("click", () => {
      state.category = c.code; state.page = 1;
      for (const x of tabs.children) {
        x.setAttribute("aria-pressed", String(x === b));
        x.tabIndex = x === b ? 0 : -1;
      }
      loadProducts();
    });
    // one stop of the Tab key for the whole bar (the pressed category);
    // the arrow keys, Home and End move between them (issue 16 §5)
    b.tabIndex = c.code === state.category ? 0 : -1;
    return b;
  }));
  if (!tabs.querySelector("[tabindex='0']")) tabs.firstChild.tabIndex = 0;
  tabs.addEventListener("keydown", (ev) => {
    const all = [...tabs.children], i = all.indexOf(document.activeElement);
    if (i < 0) return;
    const to = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: all.length - 1 }[ev.key];
    if (to === undefined) return;
    ev.preventDefault();
    const next = all[(to + all.length) % all.length];
    for (const x of all) x.tabIndex = x === next ? 0 : -1;
    next.focus();
  });
}

async function loadProducts() {
  const q = new URLSearchParams({ sort: state.sort, page: state.page, per_page: 24 });
  if (state.category) q.set("category", state.category);
  if (state.q) q.set("q", state.q);
  if (state.min) q.set("min_price", toFen(state.min));
  if (state.max) q.set("max_price", toFen(state.max));
  syncUrl();
  $("#status").textContent = "加载中…";
  try {
    const r = await get("/api/products?" + q);
    $("#products").replaceChildren(...r.items.map(card));
    $("#status").textContent = r.total ? `共 ${r.total} 个产品` : "没有符合条件的产品，请换个关键词或类别试试";
    const pages = Math.max(1, Math.ceil(r.total / r.per_page));
    const pager = $("#pager");
    pager.replaceChildren();
    if (pages > 1) {
      const prev = el("button", { type: "button" }, "上一页");
      const next = el("button", { type: "button" }, "下一页");
      prev.disabled = state.page <= 1; next.disabled = state.page >= pages;
      prev.addEventListener("click", () => { state.page--; loadProducts(); });
      next.addEventListener("click", () => { state.page++; loadProducts(); });
      pager.append(el("nav", { class: "pager", "aria-label": "分页" }, prev, el("span", {}, `${state.page} / ${pages}`), next));
    }
  } catch (e) {
    $("#status").textContent = "";
    showError($("#search"), e);
  }
}

const form = $("#search");
$("#q").value = state.q; $("#sort").value = state.sort; $("#min").value = state.min; $("#max").value = state.max;
form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  clearErrors(form);
  const min = $("#min").value.trim(), max = $("#max").value.trim();
  if (min && toFen(min) === null) return showError(form, new ApiError(400, "bad", "请输入正确的金额，如 5000 或 5000.50", "min_price"));
  if (max && toFen(max) === null) return showError(form, new ApiError(400, "bad", "请输入正确的金额，如 5000 或 5000.50", "max_price"));
  Object.assign(state, { q: $("#q").value.trim(), sort: $("#sort").value, min, max, page: 1 });
  loadProducts();
});
$("#sort").addEventListener("change", () => form.requestSubmit());
loadTabs().catch((e) => showError(null, e));
loadProducts();
