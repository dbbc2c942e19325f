// A provider's scorecard (issue 16 §4): its figures beside the median of
// the providers of its main category. One view for the bureau's and the
// reviewer's consoles (GET /api/bureau/providers/{id}/scorecard) and the
// provider's own (GET /api/provider/scorecard).
import { el, get, table, empty, when } from "./lib.js";

const pct = (v) => (v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%");
const stars = (v) => (v === null || v === undefined ? "—" : "★ " + v.toFixed(2));

// How the provider compares with the median, in words (better is
// "higher" or "lower")
function compare(v, median, better) {
  if (v === null || v === undefined || median === null || median === undefined) return el("span", { class: "muted" }, "无可比数据");
  const d = v - median;
  if (Math.abs(d) < 1e-9) return el("span", {}, "与中位数持平");
  const good = better === "higher" ? d > 0 : d < 0;
  return el("span", { class: good ? "ok" : "bad" }, good ? "优于中位数" : "差于中位数");
}

// The scorecard of card as an element.
export function scorecardView(card) {
  const cat = card.category ? `${card.category.name}（同类 ${card.peers} 家服务机构）` : "暂无在售产品，无同类比较";
  const figs = card.figures.map((f) => {
    const mine = f.key === "received" ? f.count : f.rate;
    return [f.name, f.key === "received" ? String(f.count) : `${f.count} / ${f.base}`,
      f.key === "received" ? String(f.count) : pct(f.rate),
      f.key === "received" ? (f.median === null ? "—" : String(f.median)) : pct(f.median),
      compare(mine, f.median, f.better)];
  });
  const rates = card.ratings.map((a) => [a.name, stars(a.average), String(a.count), stars(a.median), compare(a.average, a.median, "higher")]);
  const KIND = { returned: "退回补正", rejected: "初审未通过" };
  return el("section", { class: "panel scorecard", "aria-labelledby": "sc-title" },
    el("h2", { id: "sc-title" }, `${card.provider.name} · 服务评分卡`),
    el("p", { class: "muted" }, "比较对象：主要服务类别 ", cat, "。比率按可比基数计算（如拒单率 = 拒单数 / 需要接单处理的订单数），中位数取同类服务机构的比率。"),
    table(["指标", "次数 / 基数", "本机构", "同类中位数", "比较"], figs, "履约指标"),
    table(["评价维度", "平均星级", "评价数", "同类中位数", "比较"], rates, "企业评价"),
    el("h3", {}, "退回与未通过的原因"),
    card.reasons.length ? table(["订单编号", "结果", "时间", "原因"], card.reasons.map((x) => [x.order_no, KIND[x.kind] || x.kind, when(x.at), x.reason || "—"]))
      : empty("暂无退回或未通过的兑付申请"));
}

// Renders the scorecard of provider id (null: the provider's own) into view.
export async function scorecard(view, id) {
  const card = await get(id ? `/api/bureau/providers/${id}/scorecard` : "/api/provider/scorecard");
  view.replaceChildren(scorecardView(card));
}

// A panel with the scorecard of provider id, for the application review.
export async function scorecardPanel(id) {
  try { return scorecardView(await get(`/api/bureau/providers/${id}/scorecard`)); }
  catch (e) { return el("p", { class: "muted" }, "评分卡暂不可用：" + e.message); }
}
