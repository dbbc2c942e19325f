// The bureau's programme year (rules Y1-Y3) and its lists (E11, E14):
// importing the specialized / little-giant lists of a year and the credit
// list from CSV files (UTF-8 or Excel's GBK) with the report of what each
// import added, removed and refused (with line numbers), and the rounds
// with their collection window and ordering period, one of them current.
import { el, get, post, put, when, table, empty, field, formErr, busy, confirmDialog, upload } from "./lib.js";

const LIST_NAME = { specialized: "专精特新中小企业名单", little_giant: "专精特新“小巨人”企业名单", credit: "信用名单（严重失信、失信被执行人）" };

function report(r) {
  const box = el("section", { class: "panel", id: "import-report", "aria-labelledby": "rep-h" },
    el("h3", { id: "rep-h" }, "导入结果"));
  if (r.invalid && r.invalid.length) {
    box.append(el("p", { class: "bad" }, r.message || "文件有误，名单未导入"),
      table(["行号", "问题"], r.invalid.map((x) => [String(x.line), x.message])));
    if (r.invalid_count > r.invalid.length) box.append(el("p", { class: "muted" }, `共 ${r.invalid_count} 行有误，仅列出前 ${r.invalid.length} 行。`));
    return box;
  }
  box.append(el("p", { class: "success", role: "status" },
    `${LIST_NAME[r.list]}${r.year ? `（${r.year} 年度）` : ""}已导入：共 ${r.rows} 行，新增 ${r.added}、移除 ${r.removed}、未变 ${r.unchanged}；` +
    `${r.enterprises_changed} 家企业的额度档位或信用状态随之更新（文件编码 ${r.encoding === "gb18030" ? "GBK/GB18030" : "UTF-8"}）。`));
  if (r.changes.length) box.append(table(["企业编号", "统一社会信用代码", "企业名称", "新档位"],
    r.changes.map((c) => [String(c.enterprise_id), c.uscc, c.name || "—", c.tier || "信用状态更新"])));
  return box;
}

export async function lists(view) {
  const year = new Date(Date.now() + 8 * 3600e3).getUTCFullYear();
  const out = el("div", { id: "import-out" });
  const err = el("span", { class: "field-err", id: "list-file-err", role: "alert" });
  const prog = el("progress", { max: 100, value: 0, id: "list-progress" });
  const f = el("form", { id: "list-form", novalidate: true },
    el("div", { class: "grid2" },
      field("名单", { tag: "select", name: "list", value: "specialized", options: Object.entries(LIST_NAME) }),
      field("年度（资质名单）", { name: "year", inputmode: "numeric", value: String(year), maxlength: 4 })),
    el("div", { class: "field" }, el("label", { for: "list-file" }, "CSV 文件"),
      el("input", { type: "file", id: "list-file", name: "file", accept: ".csv,text/csv", "aria-describedby": "list-file-err" }),
      el("small", { class: "hint" }, "资质名单两列：统一社会信用代码、企业名称；信用名单四列：统一社会信用代码、来源、列入日期、截止日期（无截止日期留空）。可带表头，UTF-8 或 Excel 另存的 GBK 编码均可。整份名单替换原名单。"),
      prog, err),
    formErr(), el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "导入名单")));
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const file = f.elements.file.files[0];
    err.textContent = "";
    if (!file) { err.textContent = "请选择 CSV 文件"; return; }
    busy(f.querySelector("button[type=submit]"), f, async () => {
      const list = f.elements.list.value;
      const path = list === "credit" ? "/api/bureau/lists/credit" : `/api/bureau/lists/${list}/${f.elements.year.value.trim()}`;
      try {
        const r = await upload(path, file, (p) => { prog.value = p; }, "text/csv");
        out.replaceChildren(report(r));
        await refreshImports();
      } catch (e) {
        const d = e.detail || {};
        out.replaceChildren(report({ invalid: d.invalid || [{ line: 0, message: e.message }], message: e.message,
          invalid_count: d.invalid_count }));
      }
    });
  });
  const imports = el("div", { id: "imports" });
  const refreshImports = async () => {
    const t = await get("/api/bureau/lists");
    imports.replaceChildren(
      el("h3", {}, "名单规模"), table(["名单", "年度", "条数"], t.sizes.map((x) => [LIST_NAME[x.list] || x.list, x.year ? String(x.year) : "—", String(x.n)])),
      el("h3", {}, "最近导入"), t.imports.length ? table(["时间", "名单", "年度", "行数", "新增", "移除", "未变", "企业变化", "导入人"],
        t.imports.map((i) => [when(i.imported_at), LIST_NAME[i.list] || i.list, i.year ? String(i.year) : "—", String(i.row_count),
          String(i.added), String(i.removed), String(i.unchanged), String(i.enterprises_changed), i.imported_by])) : empty("尚无导入"));
  };
  view.replaceChildren(el("h2", {}, "名单导入"),
    el("section", { class: "panel" }, el("p", { class: "muted" },
      "企业申报的资质以名单为准（按统一社会信用代码与年度核对）；信用名单中的记录自列入之日起三年内、且未过截止日期的，企业不能用券。导入后立即重算相关企业的额度档位和信用状态。"), f),
    out, el("section", { class: "panel" }, imports));
  await refreshImports();
}

export async function rounds(view) {
  const r = await get("/api/bureau/rounds");
  const y = new Date(Date.now() + 8 * 3600e3).getUTCFullYear();
  const rows = r.items.map((x) => {
    const make = el("button", { type: "button", disabled: x.is_current }, x.is_current ? "当前年度" : "设为当前年度");
    make.addEventListener("click", async () => {
      if (!await confirmDialog("切换服务券年度", `切换后产品目录只显示 ${x.year} 年度的产品，企业额度按 ${x.year} 年度计算；已有订单不受影响。`, "确认切换")) return;
      busy(make, view, async () => { await put(`/api/bureau/rounds/${x.year}`, { current: true }); await rounds(view); });
    });
    const edit = el("a", { href: "#/rounds", "data-year": String(x.year) }, "修改日期");
    edit.addEventListener("click", (ev) => { ev.preventDefault(); fill(x); });
    return [String(x.year), `${x.apply_opens_on} 至 ${x.apply_closes_on}`,
      `${x.order_opens_on || "不限"} 至 ${x.order_closes_on || "不限"}`, x.is_current ? el("b", { class: "ok" }, "是") : "否",
      el("div", { class: "actions" }, make, edit)];
  });
  const f = el("form", { id: "round-form", novalidate: true },
    el("div", { class: "grid2" },
      field("年度", { name: "year", inputmode: "numeric", maxlength: 4, value: String(y + 1) }),
      field("申报开始日期", { name: "apply_opens_on", type: "date", value: `${y + 1}-01-01` }),
      field("申报截止日期", { name: "apply_closes_on", type: "date", value: `${y + 1}-02-28` }),
      field("用券开始日期（选填）", { name: "order_opens_on", type: "date" }),
      field("用券截止日期（选填）", { name: "order_closes_on", type: "date" })),
    formErr(), el("div", { class: "actions" }, el("button", { type: "submit", class: "primary", id: "round-save" }, "保存年度")));
  const fill = (x) => {
    f.elements.year.value = String(x.year);
    for (const n of ["apply_opens_on", "apply_closes_on", "order_opens_on", "order_closes_on"]) f.elements[n].value = x[n] || "";
    f.elements.year.focus();
  };
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    busy(f.querySelector("button[type=submit]"), f, async () => {
      const year = Number(f.elements.year.value);
      const body = {};
      for (const n of ["apply_opens_on", "apply_closes_on", "order_opens_on", "order_closes_on"])
        if (f.elements[n].value) body[n] = f.elements[n].value;
      if (r.items.some((x) => x.year === year)) await put(`/api/bureau/rounds/${year}`, body);
      else await post("/api/bureau/rounds", { year, ...body });
      await rounds(view);
      const ok = document.getElementById("round-saved-msg");
      if (ok) { ok.textContent = `${year} 年度已保存。`; ok.className = "success"; }
    });
  });
  view.replaceChildren(el("h2", {}, "服务券年度"),
    el("p", { role: "status", id: "round-saved-msg" }),
    el("section", { class: "panel" }, table(["年度", "产品申报期", "用券期", "当前", "操作"], rows)),
    el("section", { class: "panel", "aria-labelledby": "rf-h" }, el("h3", { id: "rf-h" }, "新建或修改年度"),
      el("p", { class: "muted" }, "用券期不填表示不限；产品目录只显示当前年度的产品，订单须在当前年度的用券期内。"), f));
}
