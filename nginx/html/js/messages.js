// The in-app inbox of every role (issue 16): the messages the platform
// sent this account (new orders, deadlines, decisions), newest first, with
// a link to the page where the action is; marking read; and, for
// enterprises and providers, which kinds to receive (deadline reminders
// cannot be turned off).
import { $, el, get, post, put, when, empty, pager, showError, clearErrors, session, toLogin } from "./lib.js";

const view = $("#view");

if (!session.role) toLogin();
else show(1).catch((e) => showError($("#page-err"), e));

async function show(page) {
  const r = await get(`/api/notifications?page=${page}&per_page=20`);
  const list = el("ul", { class: "messages" }, ...r.items.map(item));
  const readAll = el("button", { type: "button" }, "全部标为已读");
  readAll.disabled = r.unread === 0;
  readAll.addEventListener("click", async () => { await post("/api/notifications/read-all"); await show(page); });
  view.replaceChildren(
    el("h2", {}, "消息", el("span", { class: "count", id: "unread-count" }, ` 未读 ${r.unread} 条`)),
    el("div", { class: "actions" }, readAll),
    r.items.length ? list : empty("暂无消息"),
    pager(r, (p) => show(p)));
  if (session.role === "enterprise" || session.role === "provider") view.append(await prefs());
}

function item(m) {
  const li = el("li", { class: m.read ? "msg read" : "msg unread" },
    el("p", { class: "meta" }, el("b", {}, m.kind_name || "通知"), " · ", when(m.created_at), m.read ? "" : el("span", { class: "unread-badge" }, "未读")),
    el("p", {}, m.text),
    el("div", { class: "actions" },
      m.link ? el("a", { href: m.link, class: "button" }, "去办理") : null));
  if (!m.read) {
    const mark = el("button", { type: "button" }, "标为已读");
    mark.addEventListener("click", async () => {
      await post(`/api/notifications/${m.id}/read`);
      li.className = "msg read";
      mark.remove();
      const c = $("#unread-count");
      const n = Math.max(0, (parseInt(c.textContent.replace(/\D/g, ""), 10) || 1) - 1);
      c.textContent = ` 未读 ${n} 条`;
    });
    $(".actions", li).append(mark);
  }
  return li;
}

async function prefs() {
  const r = await get("/api/notifications/prefs");
  const form = el("form", { class: "panel", id: "prefs", novalidate: true },
    el("h3", {}, "提醒设置"),
    el("p", { class: "muted" }, "选择要接收的消息（短信与站内消息）。截止时限提醒不能关闭。"),
    ...r.items.map((k) => el("label", { class: "check" },
      el("input", { type: "checkbox", name: k.kind, checked: k.enabled, disabled: !k.optional }),
      " ", k.name, k.optional ? "" : "（不能关闭）")),
    el("p", { class: "form-err", role: "alert" }),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "保存设置")),
    el("p", { class: "ok", role: "status" }));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = {};
    for (const k of r.items) if (k.optional) body[k.kind] = form.elements[k.kind].checked;
    try {
      await put("/api/notifications/prefs", body);
      $(".ok", form).textContent = "已保存";
    } catch (e) { showError(form, e); }
  });
  return form;
}
