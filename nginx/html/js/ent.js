// The enterprise's console: the yearly allowance as a bar, the order
// confirmation with the subsidy preview, its formula and the contact the
// provider will call, my orders with their status timeline, cancel,
// confirm completion and rate with stars, and the printable commitment
// form.
import {
  $, el, get, post, api, yuan, when, untilText, badge, bar, table, empty, pager, field, formErr,
  busy, confirmDialog, requireRole, requireCertified, router, session, showError, ApiError, ORDER_STATUS,
  TIER_NAME, clockCell, tickClocks,
} from "./lib.js";

// why an enterprise may not order (E1-E5), in plain words
const INELIGIBLE = {
  E1: "注册地不在北京市", E2: "非企业单位不在补贴范围内", E3: "尚未通过中小微企业划型认证",
  E4: "近 3 年存在严重失信记录或被列入失信被执行人名单", E5: "因违规被取消领券资格，期限未满",
};
const MOBILE_RE = /^1[3-9]\d{9}$/;

const view = $("#view");
if (requireCertified("enterprise")) start();

function start() {
  $("#subnav").replaceChildren(
    el("a", { href: "#/orders" }, "我的订单"),
    el("a", { href: "/" }, "选购服务产品"));
  // a message's link (issue 16): ?order=ID opens that order
  const deep = new URLSearchParams(location.search).get("order");
  if (deep && /^[0-9]+$/.test(deep) && !location.hash) location.hash = "#/orders/" + deep;
  router({ "orders": orders, "orders/:id": detail, "new/:pid": confirmOrder }, () => { location.hash = "#/orders"; });
}

async function allowancePanel() {
  const me = await get("/api/me");
  const q = me.quota;
  const p = el("section", { class: "panel", id: "allowance", "aria-labelledby": "allow-h" },
    el("h2", { id: "allow-h" }, `${q.year} 年度服务券补贴额度`),
    el("p", { class: "muted" }, `${me.org_name} · ${TIER_NAME[me.tier] || me.tier}`),
    bar(q.occupied, q.cap, "已占用额度"),
    el("div", { class: "quota-nums" },
      el("span", {}, "年度上限 ", el("b", { id: "q-cap" }, yuan(q.cap))),
      el("span", {}, "已占用 ", el("b", { id: "q-occupied" }, yuan(q.occupied))),
      el("span", {}, "可用 ", el("b", { id: "q-available" }, yuan(q.available)))));
  if (q.occupied > q.cap) {
    p.append(el("p", { class: "notice", id: "q-over" }, "年度补贴上限已调整，已占用的额度超过新的上限：现有订单不受影响，占用额度降到上限以下之前不能再下单。"));
  }
  if (!me.eligible) p.append(el("p", { class: "notice" }, "当前企业不符合下单条件" + (INELIGIBLE[me.ineligible_rule] ? `（${INELIGIBLE[me.ineligible_rule]}）` : "") + "，如有疑问请联系市经信局。"));
  return p;
}

async function orders({ query }) {
  const status = query.get("status") || "";
  const page = Number(query.get("page")) || 1;
  const qs = new URLSearchParams({ page, per_page: 20 });
  if (status) qs.set("status", status);
  const [allow, r] = await Promise.all([allowancePanel(), get("/api/orders?" + qs)]);
  const filter = field("按状态筛选", { tag: "select", name: "status", value: status,
    options: [["", "全部"], ...Object.entries(ORDER_STATUS)] });
  filter.querySelector("select").addEventListener("change", (ev) => { location.hash = "#/orders?status=" + ev.target.value; });
  // C2: a claim waits for the enterprise's confirmation 15 days at most
  const rows = r.items.map((o) => [
    el("a", { href: "#/orders/" + o.id }, o.order_no), o.product_name, o.provider_name,
    o.confirm_by ? el("span", {}, badge(o.status), el("br"), el("span", { class: "warn confirm-by", "data-order": o.id },
      `请于 ${untilText(o.confirm_by)} 前确认服务完成`)) : badge(o.status),
    yuan(o.subsidy ?? o.reserved), when(o.ordered_at)]);
  view.replaceChildren(allow,
    el("h2", {}, "我的订单"), filter,
    r.items.length ? table(["订单编号", "服务产品", "服务机构", "状态", "补贴（占用）", "下单时间"], rows) : empty("还没有订单。去产品目录看看吧。"),
    pager(r, (p) => { location.hash = `#/orders?status=${status}&page=${p}`; }));
}

async function confirmOrder({ pid }) {
  const [allow, p, quote] = await Promise.all([allowancePanel(), get("/api/products/" + pid), get("/api/quote?product_id=" + pid)]);
  const err = formErr();
  const btn = el("button", { type: "button", class: "primary", id: "place-order" }, "确认下单");
  // one key per confirmation page: a retried click never orders twice
  const key = crypto.randomUUID();
  btn.disabled = !quote.can_order;
  // the contact the provider calls (guide attachment 2-3): the last one by default
  const last = quote.contact || {};
  const contact = el("fieldset", { class: "contact", id: "contact" },
    el("legend", {}, "联系人"),
    el("p", { class: "muted" }, "服务机构接单后将通过此联系人与您沟通服务内容和签约事宜。联系方式仅向该订单的服务机构显示。"),
    el("div", { class: "grid2" },
      field("联系人姓名", { name: "contact_name", maxlength: 50, required: true, autocomplete: "name", value: last.name || "" }),
      field("联系电话（手机）", { name: "contact_mobile", type: "tel", inputmode: "numeric", maxlength: 11, required: true,
        autocomplete: "tel", value: last.mobile || "" }, "11 位手机号码，如 13800138000")));
  btn.addEventListener("click", () => {
    const name = view.querySelector("[name=contact_name]").value.trim();
    const mobile = view.querySelector("[name=contact_mobile]").value.trim();
    if (!name) return showError(view, new ApiError(400, "missing", "请填写联系人姓名", "contact_name"));
    if (!MOBILE_RE.test(mobile)) return showError(view, new ApiError(400, "bad", "联系电话须为 11 位手机号码（如 13800138000）", "contact_mobile"));
    return busy(btn, view, async () => {
      const o = await api("POST", "/api/orders", { product_id: Number(pid), contact_name: name, contact_mobile: mobile },
        { "Idempotency-Key": key });
      sessionStorage.setItem("flash", `下单成功：订单 ${o.order_no}，已占用补贴额度 ${yuan(o.reserved)}。请等待服务机构在 48 小时内接单。`);
      location.hash = "#/orders/" + o.id;
    });
  });
  view.replaceChildren(allow,
    el("section", { class: "panel", "aria-labelledby": "confirm-h" },
      el("h2", { id: "confirm-h" }, "确认订单"),
      el("dl", { class: "kv" },
        el("dt", {}, "服务产品"), el("dd", {}, el("a", { href: "/product.html?id=" + p.id }, p.name)),
        el("dt", {}, "服务机构"), el("dd", {}, p.provider_name),
        el("dt", {}, "配券价"), el("dd", {}, yuan(quote.voucher_price)),
        el("dt", {}, "单位补贴"), el("dd", {}, yuan(quote.unit_subsidy)),
        el("dt", {}, "本次占用补贴额度"), el("dd", {}, el("b", { id: "reservable" }, yuan(quote.reservable))),
        el("dt", {}, "企业预计支付"), el("dd", {}, el("b", { class: "price" }, yuan(quote.enterprise_pays))),
        el("dt", {}, "有效期"), el("dd", {}, `自下单时起 ${quote.validity_days} 天，现在下单至 `,
          el("b", { id: "valid-until" }, quote.valid_until_text), "（北京时间）止，须在此前完成服务并提交兑付"),
        el("dt", {}, "剩余名额"), el("dd", {}, p.sold_out ? "已售罄" : p.remaining_units + " 份")),
      el("h3", {}, "补贴计算方式"),
      el("p", { class: "formula", id: "formula" }, quote.formula),
      quote.can_order ? null : el("p", { class: "notice", id: "cannot-order" }, quote.member_role === "viewer" ?
        "您是本机构的查看者，只能查看，不能下单。如需下单请联系本机构的管理员。" :
        quote.reservable <= 0 ? "本年度补贴额度已用完，无法下单。" : "当前不能下单。"),
      quote.member_role === "viewer" ? null : contact,  // a viewer places no order (E13)
      el("p", { class: "muted" }, "服务券仅限本企业使用，不得转让、赠送或买卖（《工作指南》七、4）。服务机构须在下单后 48 小时内接单，接单前可以取消。"),
      err,
      el("div", { class: "actions" }, btn, el("a", { href: "/product.html?id=" + p.id }, "返回产品"))));
}

function stars(name, label) {
  return el("fieldset", { class: "rating" }, el("legend", {}, label),
    ...[1, 2, 3, 4, 5].map((n) => el("label", {},
      el("input", { type: "radio", name, value: n, required: true, checked: n === 5 }),
      "★".repeat(n), el("span", { class: "visually-hidden" }, ` ${n} 星`))));
}

async function detail({ id }) {
  const o = await get("/api/orders/" + id);
  const flash = sessionStorage.getItem("flash");
  sessionStorage.removeItem("flash");
  const parts = [];
  if (flash) parts.push(el("p", { class: "success", role: "status" }, flash));
  parts.push(await allowancePanel());
  const info = el("section", { class: "panel", "aria-labelledby": "o-h" },
    el("h2", { id: "o-h" }, `订单 ${o.order_no} `, badge(o.status)),
    el("dl", { class: "kv" },
      el("dt", {}, "服务产品"), el("dd", {}, el("a", { href: "/product.html?id=" + o.product_id }, o.product_name)),
      el("dt", {}, "服务机构"), el("dd", {}, o.provider_name),
      el("dt", {}, "配券价"), el("dd", {}, yuan(o.voucher_price)),
      el("dt", {}, "占用补贴额度"), el("dd", {}, yuan(o.reserved)),
      el("dt", {}, "合同补贴"), el("dd", {}, yuan(o.subsidy)),
      el("dt", {}, "下单时间"), el("dd", {}, when(o.ordered_at)),
      el("dt", {}, "接单截止"), el("dd", {}, when(o.accept_deadline)),
      el("dt", {}, "有效期至"), el("dd", {}, el("span", { id: "valid-until" }, untilText(o.valid_until)), "（北京时间）"),
      el("dt", {}, "当前办理时限"), el("dd", { id: "stage-clock" }, clockCell(o.clock)),
      el("dt", {}, "联系人"), el("dd", { id: "contact" }, o.contact ? `${o.contact.name} ${o.contact.mobile}` : "未填写"),
      o.status_reason ? [el("dt", {}, "说明"), el("dd", {}, o.status_reason)] : null));
  if (o.contract) {
    const c = o.contract;
    info.append(el("h3", {}, "服务合同"), el("dl", { class: "kv" },
      el("dt", {}, "合同编号"), el("dd", {}, c.contract_no),
      el("dt", {}, "签订日期"), el("dd", {}, c.signed_on),
      el("dt", {}, "合同金额"), el("dd", {}, yuan(c.amount)),
      el("dt", {}, "服务期"), el("dd", {}, c.period_months + " 个月"),
      el("dt", {}, "服务券抵用（补贴）"), el("dd", {}, yuan(c.subsidy)),
      el("dt", {}, "企业自付"), el("dd", {}, yuan(c.self_paid))));
  }
  const acts = el("div", { class: "actions" });
  const err = formErr();
  info.append(err, acts);
  acts.append(el("a", { class: "button", href: `/api/orders/${o.id}/commitment`, target: "_blank", rel: "noopener" }, "打印划型及用券承诺书"));
  if (o.status === "pending") {
    const cancel = el("button", { type: "button", id: "cancel" }, "取消订单");
    cancel.addEventListener("click", async () => {
      if (!(await confirmDialog("取消订单？", "取消后名额和占用的补贴额度将释放，此操作不可撤销。", "确认取消"))) return;
      busy(cancel, info, async () => { await post(`/api/orders/${o.id}/cancel`); sessionStorage.setItem("flash", "订单已取消，补贴额度已释放。"); detail({ id }); });
    });
    acts.append(cancel);
  }
  parts.push(info);
  if (["contracted", "submitted", "approved"].includes(o.status) && !o.confirmed_at) {
    const form = el("form", { class: "panel", id: "confirm-form", "aria-labelledby": "c-h" },
      el("h2", { id: "c-h" }, "确认服务完成并评价"),
      o.confirm_by ? el("p", { class: "warn", id: "confirm-by" }, `服务机构已提交兑付申请。请于 ${untilText(o.confirm_by)}（北京时间）前确认服务完成；逾期未确认的，评审机构可不经您的确认作出决定。`) : null,
      el("p", { class: "muted" }, "服务完成后请确认并为服务机构评分（1–5 星），评价将计入产品的公开评分。"),
      stars("quality", "服务质量"), stars("timeliness", "及时性"), stars("attitude", "服务态度"),
      field("评价（选填）", { tag: "textarea", name: "comment", maxlength: 500 }),
      formErr(),
      el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "确认完成并提交评价")));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const v = (n) => Number(form.querySelector(`input[name=${n}]:checked`).value);
      const body = { ratings: { quality: v("quality"), timeliness: v("timeliness"), attitude: v("attitude") } };
      const comment = form.querySelector("textarea").value.trim();
      if (comment) body.comment = comment;
      busy(form.querySelector("button[type=submit]"), form, async () => {
        await post(`/api/orders/${o.id}/confirm`, body);
        sessionStorage.setItem("flash", "已确认服务完成，感谢您的评价。");
        detail({ id });
      });
    });
    parts.push(form);
  } else if (o.confirmed_at) {
    parts.push(el("p", { class: "success" }, `已于 ${when(o.confirmed_at)} 确认服务完成并评价。`));
  }
  parts.push(el("section", { class: "panel", "aria-labelledby": "t-h" }, el("h2", { id: "t-h" }, "订单进度"),
    el("ol", { class: "timeline", id: "timeline" }, ...(o.events || []).map((e) => el("li", {},
      el("time", { datetime: e.at }, when(e.at)),
      el("b", {}, ORDER_STATUS[e.to_status] || e.to_status), e.reason ? " · " + e.reason : "")))));
  parts.push(el("p", {}, el("a", { href: "#/orders" }, "← 返回我的订单")));
  view.replaceChildren(...parts);
  tickClocks();
  void session;
}
