/*
 * outbox.c - the kinds of outgoing messages, writing them in the event's
 * transaction, and sending them (see outbox.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "db.h"
#include "lib_sql.h"
#include "log.h"
#include "outbox.h"

/* The kinds, indexed by enum notify_kind. Texts are what an SMS says. */
static const struct notify_kind_info kinds[NOTIFY__MAX] = {
	[NOTIFY_SIGNUP_CODE] = { "signup_code",
	    "【北京市中小企业服务券】您的注册验证码为 {code}，10 分钟内有效。"
	    "请勿告诉他人。", false, true, 600 },
	[NOTIFY_SIGNUP_EXISTING] = { "signup_existing",
	    "【北京市中小企业服务券】有人使用您的手机号申请注册。您已有账号，"
	    "可直接登录；如非本人操作，请忽略本短信。", false, false, 3600 },
	[NOTIFY_INVITE_CODE] = { "invite_code",
	    "【北京市中小企业服务券】{org} 邀请您作为{role}加入本平台，验证码 "
	    "{code}，10 分钟内有效。请在“接受邀请”页面输入验证码并设置密码。",
	    false, true, 600 },
	[NOTIFY_CERT_DECIDED] = { "cert_decided",
	    "【北京市中小企业服务券】{org} 的认证申请{decision}。{reason}",
	    true, false, 0, "认证审核结果", NOTIFY_TO_ENTERPRISE | NOTIFY_TO_PROVIDER },
	[NOTIFY_MEMBER_CHANGED] = { "member_changed",
	    "【北京市中小企业服务券】您在 {org} 的成员身份已{change}。",
	    true, false, 0, "成员身份变更", NOTIFY_TO_ENTERPRISE | NOTIFY_TO_PROVIDER },
	/* issue 16: the reminders; deadline warnings cannot be turned off */
	[NOTIFY_ORDER_NEW] = { "order_new",
	    "【北京市中小企业服务券】您有新订单 {order_no}（{product}），请在 "
	    "{deadline}（北京时间）前决定是否接单，逾期订单自动取消。"
	    "办理：{link}", true, false, 0, "新订单", NOTIFY_TO_PROVIDER },
	[NOTIFY_ACCEPT_DUE] = { "accept_due",
	    "【北京市中小企业服务券】订单 {order_no}（{product}）尚未接单，"
	    "距接单截止（{deadline}，北京时间）已不足 {left}，逾期订单自动取消。"
	    "办理：{link}", false, false, 0, "接单截止提醒", NOTIFY_TO_PROVIDER },
	[NOTIFY_ORDER_ACCEPTED] = { "order_accepted",
	    "【北京市中小企业服务券】服务机构已接单：订单 {order_no}（{product}）。"
	    "查看：{link}", true, false, 0, "已接单", NOTIFY_TO_ENTERPRISE },
	[NOTIFY_ORDER_DECLINED] = { "order_declined",
	    "【北京市中小企业服务券】服务机构未接单：订单 {order_no}（{product}）"
	    "已取消，占用的额度已退回。{reason}查看：{link}", true, false, 0,
	    "未接单", NOTIFY_TO_ENTERPRISE },
	[NOTIFY_VALIDITY_ENDING] = { "validity_ending",
	    "【北京市中小企业服务券】订单 {order_no}（{product}）的服务券将于 "
	    "{deadline}（北京时间）到期，剩余不足 {left}；到期前未提交兑付申请的，"
	    "服务券过期作废。查看：{link}", false, false, 0, "有效期到期提醒",
	    NOTIFY_TO_ENTERPRISE | NOTIFY_TO_PROVIDER },
	[NOTIFY_CONFIRM_REQUESTED] = { "confirm_requested",
	    "【北京市中小企业服务券】服务机构已提交订单 {order_no}（{product}）的"
	    "兑付申请，请确认服务完成并评价，确认期限至 {deadline}（北京时间）。"
	    "办理：{link}", false, false, 0, "确认服务完成提醒",
	    NOTIFY_TO_ENTERPRISE },
	[NOTIFY_CLAIM_APPROVED] = { "claim_approved",
	    "【北京市中小企业服务券】订单 {order_no}（{product}）的兑付申请初审"
	    "通过。查看：{link}", true, false, 0, "兑付初审通过",
	    NOTIFY_TO_PROVIDER },
	[NOTIFY_CLAIM_REJECTED] = { "claim_rejected",
	    "【北京市中小企业服务券】订单 {order_no}（{product}）的兑付申请初审"
	    "未通过。{reason}查看：{link}", true, false, 0, "兑付初审未通过",
	    NOTIFY_TO_PROVIDER },
	[NOTIFY_CLAIM_RETURNED] = { "claim_returned",
	    "【北京市中小企业服务券】订单 {order_no}（{product}）的兑付申请被退回"
	    "补正，请按意见修改后在服务券有效期内重新提交。{reason}办理：{link}",
	    true, false, 0, "兑付申请退回补正", NOTIFY_TO_PROVIDER },
	[NOTIFY_PUBLICITY_STARTED] = { "publicity_started",
	    "【北京市中小企业服务券】订单 {order_no}（{product}）的兑付已进入"
	    "公示。查看：{link}", true, false, 0, "进入公示", NOTIFY_TO_PROVIDER },
	[NOTIFY_PAID] = { "paid",
	    "【北京市中小企业服务券】订单 {order_no}（{product}）的服务券补贴"
	    "已兑付。查看：{link}", true, false, 0, "补贴已兑付",
	    NOTIFY_TO_PROVIDER },
};

const struct notify_kind_info *
notify_kind_info(enum notify_kind kind)
{
	return (unsigned)kind < NOTIFY__MAX ? &kinds[kind] : NULL;
}

int
notify_kind_parse(const char *name)
{
	for (int i = 0; name != NULL && i < NOTIFY__MAX; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return i;
	return -1;
}

char *
outbox_render(enum notify_kind kind, json_t *fields)
{
	const char *t = kinds[kind].text;
	struct buf b = { 0 };

	while (*t != '\0') {
		const char *open = strchr(t, '{'), *close;
		char key[32];
		json_t *v;

		if (open == NULL || (close = strchr(open, '}')) == NULL ||
		    (size_t)(close - open - 1) >= sizeof(key)) {
			buf_puts(&b, t);
			break;
		}
		buf_append(&b, t, (size_t)(open - t));
		memcpy(key, open + 1, (size_t)(close - open - 1));
		key[close - open - 1] = '\0';
		v = fields ? json_object_get(fields, key) : NULL;
		if (json_is_string(v))
			buf_puts(&b, json_string_value(v));
		t = close + 1;
	}
	if (b.len == 0)
		return xstrdup("");
	return b.p;
}

void
outbox_mask(const char *mobile, char out[16])
{
	size_t n = mobile ? strlen(mobile) : 0;

	if (n == 11)
		snprintf(out, 16, "%.3s****%.4s", mobile, mobile + 7);
	else
		snprintf(out, 16, "****");
}

struct pref_row {
	bool enabled;
};

static const struct db_col pref_cols[] = {
	DB_COL(struct pref_row, enabled),
};
static const struct db_rowmap pref_map = DB_ROWMAP(struct pref_row, pref_cols);

/* Whether account_id turned kind off (an optional kind only): sets *off
 * and returns DB_OK, or a DB_* failure. */
static int
pref_off(struct db *db, const struct notify_kind_info *k, int64_t account_id,
    bool *off)
{
	struct pref_row p;
	int rc;

	*off = false;
	if (!k->optional || account_id <= 0)
		return DB_OK;
	rc = db_one(db, DBS_OUTBOX_PREF, DB_ARGS(DB_I64(account_id),
	    DB_STR(k->name)), &pref_map, &p, NULL);
	if (rc == DB_OK)
		*off = !p.enabled;
	return rc == DB_NOTFOUND ? DB_OK : rc;
}

int
outbox_put(struct db *db, enum notify_kind kind, int64_t account_id,
    const char *to, json_t *fields, time_t now)
{
	const struct notify_kind_info *k = notify_kind_info(kind);
	char *text, *payload;
	bool off;
	int rc;

	if (k == NULL || to == NULL)
		return DB_ERROR;
	if ((rc = pref_off(db, k, account_id, &off)) != DB_OK || off)
		return rc;
	text = outbox_render(kind, fields);
	payload = fields ? json_dumps(fields, JSON_COMPACT | JSON_SORT_KEYS) :
	    NULL;
	rc = db_dml(db, DBS_OUTBOX_INSERT, DB_ARGS(DB_STR(k->name),
	    account_id > 0 ? DB_I64(account_id) : DB_NULLP, DB_STR(to),
	    DB_STR(text), DB_STR(payload), DB_BOOL(k->sensitive), DB_TIME(now),
	    k->ttl > 0 ? DB_TIME(now + k->ttl) : DB_NULLP, DB_TIME(now)), NULL);
	free(text);
	free(payload);
	return rc;
}

int
outbox_put_account(struct db *db, enum notify_kind kind, int64_t account_id,
    const char *mobile, const char *login, json_t *fields, const char *link,
    time_t now)
{
	const struct notify_kind_info *k = notify_kind_info(kind);
	bool sms = mobile != NULL && mobile[0] != '\0', off;
	char *text, *payload;
	int rc;

	if (k == NULL || account_id <= 0 || (!sms && login == NULL))
		return DB_ERROR;
	if ((rc = pref_off(db, k, account_id, &off)) != DB_OK || off)
		return rc;
	text = outbox_render(kind, fields);
	payload = fields ? json_dumps(fields, JSON_COMPACT | JSON_SORT_KEYS) :
	    NULL;
	rc = db_dml(db, DBS_OUTBOX_INSERT_ACCOUNT, DB_ARGS(DB_STR(k->name),
	    DB_STR(sms ? "sms" : "inbox"), DB_I64(account_id),
	    DB_STR(sms ? mobile : login), DB_STR(text), DB_STR(payload),
	    DB_STR(link), DB_STR(sms ? "pending" : "sent"), DB_TIME(now),
	    sms ? DB_NULLP : DB_TIME(now), DB_TIME(now)), NULL);
	free(text);
	free(payload);
	return rc;
}

int
outbox_backoff(int failed_attempts)
{
	int s = 30;

	for (int i = 1; i < failed_attempts && s < 3600; i++)
		s *= 2;
	return s < 3600 ? s : 3600;
}

/* ---- sending --------------------------------------------------------- */

struct msg_row {
	int64_t     id;
	const char *kind;
	int64_t     account_id;
	const char *recipient;
	const char *text;
	const char *payload;
	int         attempts;
	time_t      expires_at;
	bool        no_expiry;
	time_t      created_at;
};

static const struct db_col msg_cols[] = {
	DB_COL(struct msg_row, id),
	DB_COL(struct msg_row, kind),
	DB_COL(struct msg_row, account_id),
	DB_COL(struct msg_row, recipient),
	DB_COL(struct msg_row, text),
	DB_COL(struct msg_row, payload),
	DB_COL(struct msg_row, attempts),
	DB_COL(struct msg_row, expires_at),
	DB_COL_NULL(struct msg_row, no_expiry, "expires_at"),
	DB_COL(struct msg_row, created_at),
};
static const struct db_rowmap msg_map = DB_ROWMAP(struct msg_row, msg_cols);

/* The message as the transport carries it: one JSON object. */
static char *
msg_json(const struct msg_row *m)
{
	char at[21];
	json_t *o, *fields = NULL;
	char *s;

	if (m->payload != NULL)
		fields = json_loads(m->payload, 0, NULL);
	clock_format_iso8601(m->created_at, at);
	o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:o}", "id", (json_int_t)m->id,
	    "to", m->recipient, "kind", m->kind, "text", m->text,
	    "created_at", at, "fields", fields ? fields : json_object());
	if (m->account_id > 0)
		json_object_set_new(o, "account_id", json_integer(m->account_id));
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* Appends line + "\n" to path with one write(2). 0 or -1 (err set). */
static int
send_file(const char *path, const char *line, char *err, size_t nerr)
{
	size_t n = strlen(line);
	char *buf = xmalloc(n + 2);
	int fd, rc = -1;
	ssize_t w;

	memcpy(buf, line, n);
	buf[n] = '\n';
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		snprintf(err, nerr, "open %s: %s", path, strerror(errno));
		free(buf);
		return -1;
	}
	w = write(fd, buf, n + 1);
	if (w == (ssize_t)(n + 1) && fdatasync(fd) == 0)
		rc = 0;
	else
		snprintf(err, nerr, "write %s: %s", path,
		    w < 0 ? strerror(errno) : "short write");
	close(fd);
	free(buf);
	return rc;
}

/* Runs /bin/sh -c cmd with the message on its standard input; delivered
 * when it exits 0 within timeout seconds. 0 or -1 (err set). */
static int
send_command(const char *cmd, const char *msg, int timeout, char *err,
    size_t nerr)
{
	int in[2], status = 0;
	pid_t pid, done = 0;
	size_t n = strlen(msg), off = 0;

	if (pipe2(in, O_CLOEXEC) < 0) {
		snprintf(err, nerr, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, nerr, "fork: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(in[0], 0);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	while (off < n) {
		ssize_t w = write(in[1], msg + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;	/* it stopped reading: its exit status says */
		off += (size_t)w;
	}
	if (off == n && write(in[1], "\n", 1) < 0)
		off = 0;
	close(in[1]);
	for (int i = 0; i < timeout * 10; i++) {
		done = waitpid(pid, &status, WNOHANG);
		if (done != 0)
			break;
		usleep(100000);
	}
	if (done == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		snprintf(err, nerr, "the command took more than %d s", timeout);
		return -1;
	}
	if (done < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, nerr, "the command failed (status %d)",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	return 0;
}

/* What one message's transaction did (it commits in every case). */
enum { ONE_NONE = DB_APP + 1, ONE_SENT, ONE_RETRIED, ONE_FAILED, ONE_EXPIRED };

struct one_tx {
	const struct outbox_transport *t;
	time_t                         now;
	int                            result;  /* out: ONE_*           */
};

static int
send_one_tx(struct db *db, void *arg)
{
	struct one_tx *c = arg;
	struct db_res *keep = NULL;
	struct msg_row m;
	char err[300] = "", masked[16];
	char *line;
	int rc, ok;

	c->result = ONE_NONE;
	rc = db_one(db, DBS_OUTBOX_NEXT, DB_ARGS(DB_TIME(c->now)), &msg_map,
	    &m, &keep);
	if (rc != DB_OK) {
		db_res_free(keep);
		return rc == DB_NOTFOUND ? DB_OK : rc;
	}
	if (!m.no_expiry && m.expires_at <= c->now) {
		rc = db_dml(db, DBS_OUTBOX_EXPIRE, DB_ARGS(DB_I64(m.id)), NULL);
		db_res_free(keep);
		c->result = ONE_EXPIRED;
		return rc;
	}
	line = msg_json(&m);
	ok = c->t->kind == OUTBOX_FILE ?
	    send_file(c->t->target, line, err, sizeof(err)) :
	    send_command(c->t->target, line, c->t->timeout, err, sizeof(err));
	free(line);
	outbox_mask(m.recipient, masked);
	if (ok == 0) {
		rc = db_dml(db, DBS_OUTBOX_SENT, DB_ARGS(DB_TIME(c->now),
		    DB_I64(m.id)), NULL);
		if (rc == DB_OK)
			log_msg(LOG_INFO, NULL, "outbox: message %lld (%s) sent "
			    "to %s", (long long)m.id, m.kind, masked);
		db_res_free(keep);
		c->result = ONE_SENT;
		return rc;
	}
	m.attempts++;
	log_msg(LOG_WARN, NULL, "outbox: message %lld (%s) to %s, attempt %d: "
	    "%s", (long long)m.id, m.kind, masked, m.attempts, err);
	rc = db_dml(db, DBS_OUTBOX_RETRY, DB_ARGS(
	    DB_TIME(c->now + outbox_backoff(m.attempts)), DB_STR(err),
	    DB_STR(m.attempts >= OUTBOX_MAX_ATTEMPTS ? "failed" : "pending"),
	    DB_I64(m.id)), NULL);
	db_res_free(keep);
	c->result = m.attempts >= OUTBOX_MAX_ATTEMPTS ? ONE_FAILED : ONE_RETRIED;
	return rc;
}

int
outbox_send_due(struct db *db, const struct outbox_transport *t, time_t now,
    int limit, struct outbox_stats *st)
{
	struct one_tx c = { .t = t, .now = now };
	int64_t backlog = 0;

	memset(st, 0, sizeof(*st));
	for (int i = 0; i < limit; i++) {
		int rc = db_tx(db, send_one_tx, &c);

		if (rc != DB_OK)
			return -1;
		if (c.result == ONE_NONE)
			break;
		switch (c.result) {
		case ONE_SENT:    st->sent++; break;
		case ONE_RETRIED: st->retried++; break;
		case ONE_FAILED:  st->failed++; break;
		case ONE_EXPIRED: st->expired++; break;
		default:
			return -1;
		}
	}
	if (db_scalar(db, DBS_OUTBOX_BACKLOG, DB_ARGS(DB_TIME(now)), &backlog)
	    != DB_OK)
		return -1;
	st->backlog = (long)backlog;
	return 0;
}
