// An organisation's own page (rules E9-E13; the guide's attachment 2-3
// 企业身份及划型认证 and 企业信息): the certification (identity, the
// business licence uploaded with a progress bar, the size class computed
// as the figures are typed, the qualifications, the submission and its
// state), the profile (企业信息), and the members with their roles.
import {
  $, el, get, post, put, api, upload, toFen, fenInput, when, table, field, formErr, busy,
  confirmDialog, requireRole, router, session, ROLE_HOME, MEMBER_ROLE_NAME,
} from "./lib.js";

const view = $("#view");
const ROLE = session.role;
const STATE_CLASS = { draft: "warn", submitted: "warn", returned: "bad", rejected: "bad", approved: "ok" };

if ((ROLE === "enterprise" || ROLE === "provider") || requireRole("enterprise")) {
  $("#subnav").replaceChildren(
    el("a", { href: "#/certify" }, "机构认证"),
    el("a", { href: "#/profile" }, "企业信息"),
    el("a", { href: "#/members" }, "成员管理"));
  router({ "certify": certify, "profile": profile, "members": members }, () => { location.hash = "#/certify"; });
}

const isAdmin = () => session.memberRole === "admin";
const yesNo = (name, label, value, hint) => field(label, { tag: "select", name, value: value === null || value === undefined ? "" : String(value),
  options: [["", "请选择"], ["true", "是"], ["false", "否"]] }, hint);
const boolOf = (form, name) => { const v = form.elements[name].value; return v === "" ? undefined : v === "true"; };

// The state of the organisation, as a banner.
function stateBanner(o) {
  const box = el("section", { class: "panel", id: "cert-state", "aria-labelledby": "state-h" },
    el("h2", { id: "state-h" }, "认证状态：", el("span", { class: STATE_CLASS[o.state] || "", id: "state-name" }, o.state_name)));
  if (o.state === "submitted" && o.pending)
    box.append(el("p", {}, `已于 ${when(o.pending.submitted_at)} 提交，评审机构或市经信局审核后将以短信通知管理员。审核期间资料不能修改。`));
  if (o.reason)
    box.append(el("p", { class: o.state === "returned" ? "notice" : "bad", id: "cert-reason" },
      (o.state === "returned" ? "退回原因：" : "审核意见：") + o.reason));
  if (o.certified && o.state === "approved")
    box.append(el("p", { class: "success" }, "认证已通过。", ROLE === "enterprise" ? el("a", { href: ROLE_HOME[ROLE] }, "去使用服务券") :
      el("a", { href: ROLE_HOME[ROLE] }, "进入服务机构工作台")));
  if (o.certified && o.state !== "approved")
    box.append(el("p", { class: "muted" }, "已认证的信息在新的审核结束前保持不变；修改后请重新提交认证。"));
  if (!isAdmin()) box.append(el("p", { class: "muted" }, `您是本机构的${MEMBER_ROLE_NAME[session.memberRole] || "成员"}，认证资料由管理员维护。`));
  return box;
}

function identityForm(o, refresh) {
  const id = o.identity;
  const f = el("form", { id: "identity-form", novalidate: true },
    el("div", { class: "grid2" },
      field(ROLE === "provider" ? "机构名称（与营业执照一致）" : "企业名称（与营业执照一致）", { name: "name", value: id.name || "", maxlength: 200, required: true }),
      field("统一社会信用代码", { name: "uscc", value: id.uscc || "", maxlength: 18, required: true, autocomplete: "off" }, "18 位，见营业执照"),
      field("法定代表人", { name: "legal_representative", value: id.legal_representative || "", maxlength: 50, required: true }),
      field("注册所在区", { name: "registered_district", value: id.registered_district || "", maxlength: 100, required: true }, "例如：海淀区"),
      yesNo("registered_in_beijing", ROLE === "provider" ? "在北京市登记注册（含在京分支机构）" : "在北京市登记注册", id.registered_in_beijing),
      ROLE === "provider" ?
        yesNo("main_body_in_beijing", "主体在北京市注册", id.main_body_in_beijing, "在京分支机构、主体在外省市注册的请选“否”") :
        yesNo("is_enterprise", "单位性质为企业", id.is_enterprise, "事业单位、幼儿园等非企业单位不在支持范围内")),
    formErr(),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "保存身份信息")));
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    busy(f.querySelector("button[type=submit]"), f, async () => {
      const body = { name: f.elements.name.value.trim(), uscc: f.elements.uscc.value.trim(),
        legal_representative: f.elements.legal_representative.value.trim(),
        registered_district: f.elements.registered_district.value.trim(),
        registered_in_beijing: boolOf(f, "registered_in_beijing") };
      if (ROLE === "provider") body.main_body_in_beijing = boolOf(f, "main_body_in_beijing");
      else body.is_enterprise = boolOf(f, "is_enterprise");
      await put("/api/org/identity", body);
      await refresh("身份信息已保存。");
    });
  });
  return el("section", { class: "panel", "aria-labelledby": "id-h" }, el("h2", { id: "id-h" }, "一、身份信息"), f);
}

function licenceSection(o, refresh) {
  const input = el("input", { type: "file", id: "licence-file", name: "licence", accept: "application/pdf,image/png,image/jpeg",
    "aria-describedby": "licence-file-err" });
  const prog = el("progress", { id: "licence-progress", max: 100, value: 0 });
  const state = el("span", { id: "licence-state", role: "status" }, o.licence ?
    `已上传：${o.licence.name}（${Math.ceil(o.licence.size / 1024)} KB，${when(o.licence.uploaded_at)}）` : "尚未上传");
  const err = el("span", { class: "field-err", id: "licence-file-err", role: "alert" });
  input.addEventListener("change", async () => {
    const file = input.files[0];
    if (!file) return;
    err.textContent = "";
    prog.value = 0;
    try {
      await upload("/api/org/files/licence?name=" + encodeURIComponent(file.name), file, (p) => { prog.value = p; });
      await refresh("营业执照已上传。");
    } catch (e) { err.textContent = e.message; }
  });
  return el("section", { class: "panel", "aria-labelledby": "lic-h" }, el("h2", { id: "lic-h" }, "二、营业执照"),
    el("div", { class: "field" }, el("label", { for: "licence-file" }, "上传营业执照（PDF 或照片，PNG / JPEG）"), input, prog, state, err),
    o.licence ? el("p", {}, el("a", { href: "/api/org/files/licence?inline=1", target: "_blank", rel: "noopener" }, "查看已上传的营业执照")) : null);
}

function classificationForm(o, refresh) {
  const c = o.classification, y = new Date(Date.now() + 8 * 3600e3).getUTCFullYear();
  const f = el("form", { id: "class-form", novalidate: true },
    el("div", { class: "grid2" },
      field("所属行业", { tag: "select", name: "industry", value: c.industry || "",
        options: [["", "请选择"], ...o.industries.map((i) => [i.code, i.name])] }),
      field("数据年度（最近一个完整年度）", { tag: "select", name: "year", value: String(c.year || y - 1),
        options: [[String(y - 1), `${y - 1} 年`], [String(y - 2), `${y - 2} 年`]] }),
      field("从业人员（人）", { name: "employees", inputmode: "numeric", value: c.employees ?? "" }),
      field("营业收入（元）", { name: "revenue", inputmode: "decimal", value: c.revenue !== null ? fenInput(c.revenue) : "" }),
      field("资产总额（元）", { name: "total_assets", inputmode: "decimal", value: c.total_assets !== null ? fenInput(c.total_assets) : "" })),
    el("p", { class: "formula", id: "size-class", role: "status" }, c.size_class ? `${c.size_class_name}：${c.basis}` : "填写后即时显示划型结果"),
    formErr(),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "保存划型")));
  const figures = () => {
    const emp = f.elements.employees.value.trim(), rev = toFen(f.elements.revenue.value), ta = toFen(f.elements.total_assets.value);
    return { industry: f.elements.industry.value, employees: /^\d{1,8}$/.test(emp) ? Number(emp) : null, revenue: rev, total_assets: ta };
  };
  let timer = 0, seq = 0;
  const preview = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const v = figures(), out = $("#size-class", f);
      if (!v.industry || v.employees === null || v.revenue === null || v.total_assets === null) { out.textContent = "填写后即时显示划型结果"; return; }
      const mine = ++seq;
      try {
        const r = await get(`/api/org/classification/preview?${new URLSearchParams(v)}`);
        if (mine !== seq) return;
        out.textContent = `${r.size_class_name}：${r.basis}`;
        out.classList.toggle("bad", !r.eligible);
      } catch (e) { out.textContent = e.message; }
    }, 250);
  };
  for (const n of ["industry", "employees", "revenue", "total_assets"]) f.elements[n].addEventListener("input", preview);
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    busy(f.querySelector("button[type=submit]"), f, async () => {
      const v = figures();
      if (v.revenue === null) throw Object.assign(new Error("请填写营业收入（元，最多两位小数）"), { field: "revenue" });
      if (v.total_assets === null) throw Object.assign(new Error("请填写资产总额（元，最多两位小数）"), { field: "total_assets" });
      if (v.employees === null) throw Object.assign(new Error("请填写从业人员人数"), { field: "employees" });
      await put("/api/org/classification", { ...v, year: Number(f.elements.year.value) });
      await refresh("划型已保存。");
    });
  });
  return el("section", { class: "panel", "aria-labelledby": "cls-h" }, el("h2", { id: "cls-h" }, "三、企业划型"),
    el("p", { class: "muted" }, "按《中小企业划型标准规定》（工信部联企业〔2011〕300号）由系统根据填报数据计算。填报数据由企业负责，服务机构将在划型及用券承诺书上核对。"), f);
}

function qualificationsForm(o, refresh) {
  const q = o.qualifications;
  const box = (name, label, checked) => el("label", {}, el("input", { type: "checkbox", name, checked }), " " + label);
  const f = el("form", { id: "quals-form", novalidate: true },
    el("fieldset", { class: "choice" }, el("legend", {}, "本企业具备的资质"),
      box("specialized", "北京市“专精特新”中小企业", q.specialized),
      box("little_giant", "国家级专精特新“小巨人”企业", q.little_giant)),
    el("p", { id: "tier-now" }, `当前额度档位：${q.tier_name}`,
      q.year ? `（按 ${q.year} 年度名单核对：专精特新名单${q.on_lists.specialized ? "有" : "无"}、小巨人名单${q.on_lists.little_giant ? "有" : "无"}本企业）` : ""),
    formErr(),
    el("div", { class: "actions" }, el("button", { type: "submit" }, "保存资质")));
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    busy(f.querySelector("button[type=submit]"), f, async () => {
      await put("/api/org/qualifications", { specialized: f.elements.specialized.checked, little_giant: f.elements.little_giant.checked });
      await refresh("资质已保存，并已按市经信局名单核对。");
    });
  });
  return el("section", { class: "panel", "aria-labelledby": "q-h" }, el("h2", { id: "q-h" }, "四、资质认定"),
    el("p", { class: "muted" }, "资质以市经信局公布的当年名单为准（按统一社会信用代码核对），名单外的申报按普通中小企业计。"), f);
}

function submitSection(o, refresh) {
  const btn = el("button", { type: "button", class: "primary", id: "submit-cert", disabled: !o.can_submit || !isAdmin() }, "提交认证");
  const err = formErr();
  const sec = el("section", { class: "panel", "aria-labelledby": "sub-h" }, el("h2", { id: "sub-h" }, "五、提交审核"),
    o.missing.length && o.editable ? el("ul", { id: "missing" }, ...o.missing.map((m) => el("li", { class: "warn" }, m.message))) :
      el("p", { class: "muted" }, o.state === "approved" ? "认证信息没有变化。" : o.editable ? "资料齐全，可以提交。" : ""),
    err, el("div", { class: "actions" }, btn));
  btn.addEventListener("click", () => busy(btn, sec, async () => {
    await post("/api/org/certification/submit");
    await refresh("已提交，请等待审核。");
  }));
  return sec;
}

async function certify() {
  const o = await get("/api/org");
  const refresh = async (msg) => {
    sessionStorage.setItem("flash", msg);
    await certify();
  };
  const flash = sessionStorage.getItem("flash");
  sessionStorage.removeItem("flash");
  session.save({ csrf_token: session.csrf, role: ROLE, login: sessionStorage.getItem("login"), org_name: o.identity.name || session.name,
    certification: { certified: o.certified }, member_role: o.member_role });
  const parts = [flash ? el("p", { class: "success", role: "status", id: "flash" }, flash) : null, stateBanner(o),
    identityForm(o, refresh), licenceSection(o, refresh)];
  if (ROLE === "enterprise") parts.push(classificationForm(o, refresh), qualificationsForm(o, refresh));
  parts.push(submitSection(o, refresh));
  view.replaceChildren(...parts.filter(Boolean));
  // frozen while submitted or refused; members other than admins read only
  if (!o.editable || !isAdmin())
    for (const id of ["identity-form", "class-form"]) {
      const f = document.getElementById(id);
      if (f) for (const e of f.elements) e.disabled = true;
    }
  if (!o.editable || !isAdmin()) { const i = $("#licence-file"); if (i) i.disabled = true; }
  if (!isAdmin()) { const f = $("#quals-form"); if (f) for (const e of f.elements) e.disabled = true; }
}

// ---- 企业信息 ------------------------------------------------------------------

async function profile() {
  const p = await get("/api/org/profile");
  const f = el("form", { id: "profile-form", novalidate: true },
    el("div", { class: "grid2" },
      field("通讯地址", { name: "address", value: p.address || "", maxlength: 200 }),
      field("联系人", { name: "contact_name", value: p.contact_name || "", maxlength: 50 }),
      field("联系电话", { name: "contact_phone", value: p.contact_phone || "", maxlength: 20, inputmode: "tel" }),
      field("网址", { name: "website", value: p.website || "", maxlength: 200, placeholder: "https://" }),
      field("开户银行", { name: "bank_name", value: p.bank_name || "", maxlength: 100 }),
      field("账户名称", { name: "bank_account_name", value: p.bank_account_name || "", maxlength: 200 }),
      field("银行账号", { name: "bank_account", value: p.bank_account || "", maxlength: 40, inputmode: "numeric" },
        p.kind === "provider" ? "兑付补贴资金的收款账户" : "")),
    formErr(),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary", disabled: !isAdmin() }, "保存企业信息")));
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    busy(f.querySelector("button[type=submit]"), f, async () => {
      const body = {};
      for (const n of ["address", "contact_name", "contact_phone", "website", "bank_name", "bank_account_name", "bank_account"]) {
        const v = f.elements[n].value.trim();
        if (v) body[n] = v;
      }
      await put("/api/org/profile", body);
      f.append(el("p", { class: "success", role: "status", id: "profile-saved" }, "企业信息已保存。"));
    });
  });
  view.replaceChildren(el("section", { class: "panel", "aria-labelledby": "p-h" },
    el("h2", { id: "p-h" }, "企业信息"),
    el("p", { class: "muted" }, `${p.name || "（尚未填写单位名称）"}${p.uscc ? " · " + p.uscc : ""}。以下信息不需审核，修改后立即生效，并留有记录。`), f));
  if (!isAdmin()) for (const e of f.elements) e.disabled = true;
}

// ---- 成员 ------------------------------------------------------------------------

async function members() {
  const r = await get("/api/org/members");
  const admin = r.my_role === "admin";
  const rows = r.items.map((m) => {
    const sel = el("select", { name: "role-" + m.id, "aria-label": `${m.name || m.mobile} 的角色`, disabled: !admin },
      ...Object.entries(MEMBER_ROLE_NAME).map(([v, t]) => el("option", { value: v, selected: v === m.role }, t)));
    const save = el("button", { type: "button", disabled: !admin }, "修改角色");
    const remove = el("button", { type: "button", class: "danger", disabled: !admin || m.self }, "移除");
    const cell = el("div", { class: "actions" }, sel, save, remove);
    save.addEventListener("click", () => busy(save, cell, async () => {
      await put(`/api/org/members/${m.id}`, { role: sel.value });
      await members();
    }));
    remove.addEventListener("click", async () => {
      if (!await confirmDialog("移除成员", `移除后 ${m.name || m.mobile} 将立即退出登录，不能再代表本机构操作。`, "确认移除")) return;
      busy(remove, cell, async () => {
        await api("DELETE", `/api/org/members/${m.id}`);
        await members();
      });
    });
    return [m.name || "—", m.mobile, MEMBER_ROLE_NAME[m.role] || m.role, when(m.joined_at), m.last_login_at ? when(m.last_login_at) : "—",
      m.self ? "（本人）" : cell];
  });
  const invites = r.invites.map((i) => {
    const cancel = el("button", { type: "button", disabled: !admin }, "撤销邀请");
    cancel.addEventListener("click", () => busy(cancel, view, async () => {
      await api("DELETE", `/api/org/invites/${i.id}`);
      await members();
    }));
    return [i.name || "—", i.mobile, MEMBER_ROLE_NAME[i.role] || i.role, when(i.invited_at), when(i.expires_at), cancel];
  });
  const f = el("form", { id: "invite-form", novalidate: true },
    el("div", { class: "grid2" },
      field("手机号", { name: "mobile", inputmode: "numeric", maxlength: 11, required: true }),
      field("姓名（选填）", { name: "name", maxlength: 50 }),
      field("角色", { tag: "select", name: "role", value: "operator",
        options: [["operator", "经办人（代表本机构下单、确认、评价等）"], ["viewer", "查看者（只能查看）"], ["admin", "管理员（含成员与认证管理）"]] })),
    formErr(),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "发送邀请")));
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    busy(f.querySelector("button[type=submit]"), f, async () => {
      const name = f.elements.name.value.trim();
      await post("/api/org/members", { mobile: f.elements.mobile.value.trim(), role: f.elements.role.value, ...(name ? { name } : {}) });
      sessionStorage.setItem("flash", "邀请已发送：对方将收到含验证码的短信，在“接受邀请”页面加入。");
      await members();
    });
  });
  const flash = sessionStorage.getItem("flash");
  sessionStorage.removeItem("flash");
  view.replaceChildren(
    flash ? el("p", { class: "success", role: "status" }, flash) : null,
    el("section", { class: "panel", "aria-labelledby": "m-h" }, el("h2", { id: "m-h" }, `成员（${r.total}）`),
      table(["姓名", "手机号", "角色", "加入时间", "最近登录", "操作"], rows)),
    invites.length ? el("section", { class: "panel", "aria-labelledby": "i-h" }, el("h2", { id: "i-h" }, "待接受的邀请"),
      table(["姓名", "手机号", "角色", "邀请时间", "有效期至", "操作"], invites)) : null,
    admin ? el("section", { class: "panel", "aria-labelledby": "n-h" }, el("h2", { id: "n-h" }, "邀请成员"),
      el("p", { class: "muted" }, "每个手机号只能属于一个机构账号。经办人可代表本机构办理业务，查看者只能查看。"), f) :
      el("p", { class: "muted" }, "只有管理员可以邀请或移除成员。"));
}
