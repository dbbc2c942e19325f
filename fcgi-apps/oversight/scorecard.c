/*
 * scorecard.c - a provider's scorecard (issue 16 §4): the figures the
 * bureau weighs in next year's collection review, each beside the median
 * of the providers of the same category.
 *   GET /api/bureau/providers/{id}/scorecard   bureau, reviewer
 *   GET /api/provider/scorecard                a provider: its own only
 *
 * One computation for both routes (scorecard_json). The figures count
 * all of the provider's orders at the clock's now (T2: a pending order
 * past its 48 hours counts as not accepted, a contract past its validity
 * as expired, before any sweep). Rates, not raw counts, are compared:
 * each rate's base is what the provider could act on (below). The
 * category is the provider's main one: the category of most of its
 * products (ties: the smaller code), and the median is over the providers
 * with products in it and at least one order (and the rate's base > 0).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "oversight.h"
#include "rules.h"

#define SCORE_REASONS 20

/* The figures, in the order the page shows them. */
enum score_figure {
	FIG_RECEIVED,        /* every order; compared as a count             */
	FIG_ACCEPTED,        /* accepted within 48 h / orders to decide      */
	FIG_DECLINED,        /* declined / orders to decide                  */
	FIG_TIMEOUT,         /* not accepted in 48 h / orders to decide      */
	FIG_EXPIRED,         /* void past the validity / accepted            */
	FIG_RETURNED,        /* returns for correction / claims submitted    */
	FIG_REJECTED,        /* rejected at review / claims submitted        */
	FIG_UPHELD,          /* objections upheld / items listed             */
	FIG_REFUNDS,         /* refunds reported / orders paid               */
	FIG__MAX
};

static const struct {
	const char *key;
	const char *name;
	bool        higher_better;
} figures[FIG__MAX] = {
	{ "received",          "收到订单",             true  }, /* FIG_RECEIVED */
	{ "accepted_in_48h",   "48小时内接单",         true  }, /* FIG_ACCEPTED */
	{ "declined",          "拒绝接单",             false }, /* FIG_DECLINED */
	{ "accept_timeout",    "超过48小时未接单",     false }, /* FIG_TIMEOUT */
	{ "expired",           "有效期内未完成（作废）", false }, /* FIG_EXPIRED */
	{ "claims_returned",   "兑付申请退回补正",     false }, /* FIG_RETURNED */
	{ "claims_rejected",   "兑付初审未通过",       false }, /* FIG_REJECTED */
	{ "objections_upheld", "公示异议成立",         false }, /* FIG_UPHELD */
	{ "refunds",           "退款",                 false }, /* FIG_REFUNDS */
};

enum score_aspect { ASP_QUALITY, ASP_TIMELINESS, ASP_ATTITUDE, ASP__MAX };

static const char *const aspect_keys[ASP__MAX] = {
	"quality",           /* ASP_QUALITY */
	"timeliness",        /* ASP_TIMELINESS */
	"attitude",          /* ASP_ATTITUDE */
};
static const char *const aspect_names[ASP__MAX] = {
	"服务质量",          /* ASP_QUALITY */
	"服务时效",          /* ASP_TIMELINESS */
	"服务态度",          /* ASP_ATTITUDE */
};

/* The count and base of figure f of row s (base 0: no rate). */
static void
figure_of(const struct score_row *s, enum score_figure f, int64_t *count,
    int64_t *base)
{
	int64_t to_decide = s->received - s->ent_cancelled - s->open_pending;

	switch (f) {
	case FIG_RECEIVED: *count = s->received; *base = 0; break;
	case FIG_ACCEPTED: *count = s->accepted; *base = to_decide; break;
	case FIG_DECLINED: *count = s->declined; *base = to_decide; break;
	case FIG_TIMEOUT:  *count = s->accept_timeout; *base = to_decide; break;
	case FIG_EXPIRED:  *count = s->expired; *base = s->accepted; break;
	case FIG_RETURNED: *count = s->returned; *base = s->submitted; break;
	case FIG_REJECTED: *count = s->rejected; *base = s->submitted; break;
	case FIG_UPHELD:   *count = s->upheld; *base = s->publicized; break;
	case FIG_REFUNDS:  *count = s->refunds; *base = s->paid; break;
	default:           *count = *base = 0; break;
	}
	if (*base < 0)
		*base = 0;
}

/* The value compared for figure f: its rate, or the count for
 * FIG_RECEIVED; false when it has none (base 0). */
static bool
value_of(const struct score_row *s, enum score_figure f, double *v)
{
	int64_t count, base;

	figure_of(s, f, &count, &base);
	if (f == FIG_RECEIVED) {
		*v = (double)count;
		return true;
	}
	if (base <= 0)
		return false;
	*v = (double)count / (double)base;
	return true;
}

static bool
aspect_of(const struct score_row *s, enum score_aspect a, double *v)
{
	int64_t sum = a == ASP_QUALITY ? s->quality :
	    a == ASP_TIMELINESS ? s->timeliness : s->attitude;

	if (s->rated <= 0)
		return false;
	*v = (double)sum / (double)s->rated;
	return true;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of n values (sorted in place); NAN when n is 0. */
static double
median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A rate or average rounded to 4 decimals, or null. */
static json_t *
num_json(double v, int decimals)
{
	double k = decimals == 2 ? 100.0 : 10000.0;

	return isnan(v) ? json_null() : json_real(round(v * k) / k);
}

/*
 * The scorecard of provider id at now: {provider {id, name}, category
 * {code, name} (null without products), peers (providers compared),
 * figures: [{key, name, count, base, rate, median, better: higher|lower}]
 * (received: rate null, median of the counts), ratings: [{aspect, name,
 * average, count, median}], reasons: [{kind: returned|rejected, order_no,
 * at, reason}] (the latest 20)}. NULL with *rc DB_NOTFOUND (no such
 * provider) or a failure. New reference.
 */
static json_t *
scorecard_json(struct db *db, int64_t id, time_t now, int *rc)
{
	struct score_provider_row p;
	struct db_res *keep = NULL;
	struct db_rows rows = { 0 }, why = { 0 };
	const struct score_row *all, *mine = NULL;
	struct score_row zero = { .provider_id = id };
	json_t *o = NULL, *figs, *rates, *reasons;
	double *vals = NULL, v;
	size_t n;

	*rc = db_score_provider(db, id, &p, &keep);
	if (*rc == DB_OK)
		*rc = db_score_figures(db, p.category, id, now, &rows);
	if (*rc == DB_OK)
		*rc = db_score_reasons(db, id, SCORE_REASONS, &why);
	if (*rc != DB_OK)
		goto done;
	all = rows.v;
	for (size_t i = 0; i < rows.n; i++)
		if (all[i].provider_id == id)
			mine = &all[i];
	if (mine == NULL)
		mine = &zero;		/* no orders yet */
	if ((vals = calloc(rows.n + 1, sizeof(*vals))) == NULL) {
		*rc = DB_ERROR;
		goto done;
	}
	figs = json_array();
	for (int f = 0; f < FIG__MAX; f++) {
		int64_t count, base;
		bool has = value_of(mine, f, &v);

		n = 0;
		for (size_t i = 0; i < rows.n; i++)
			if (p.category != NULL && value_of(&all[i], f, &vals[n]))
				n++;
		figure_of(mine, f, &count, &base);
		json_array_append_new(figs, json_pack("{s:s,s:s,s:I,s:I,s:o,"
		    "s:o,s:s}", "key", figures[f].key, "name", figures[f].name,
		    "count", (json_int_t)count, "base", (json_int_t)base,
		    "rate", f == FIG_RECEIVED || !has ? json_null() :
		    num_json(v, 4), "median", num_json(median(vals, n),
		    f == FIG_RECEIVED ? 2 : 4), "better",
		    figures[f].higher_better ? "higher" : "lower"));
	}
	rates = json_array();
	for (int a = 0; a < ASP__MAX; a++) {
		bool has = aspect_of(mine, a, &v);

		n = 0;
		for (size_t i = 0; i < rows.n; i++)
			if (p.category != NULL && aspect_of(&all[i], a, &vals[n]))
				n++;
		json_array_append_new(rates, json_pack("{s:s,s:s,s:o,s:I,s:o}",
		    "aspect", aspect_keys[a], "name", aspect_names[a],
		    "average", has ? num_json(v, 2) : json_null(), "count",
		    (json_int_t)mine->rated, "median",
		    num_json(median(vals, n), 2)));
	}
	reasons = json_array();
	for (size_t i = 0; i < why.n; i++) {
		const struct score_reason_row *w =
		    (const struct score_reason_row *)why.v + i;
		char at[21];

		clock_format_iso8601(w->at, at);
		json_array_append_new(reasons, json_pack("{s:s,s:s,s:s,s:s?}",
		    "kind", strcmp(w->to_status, "rejected") == 0 ? "rejected" :
		    "returned", "order_no", w->order_no, "at", at, "reason",
		    w->reason));
	}
	o = json_pack("{s:{s:I,s:s},s:o,s:I,s:o,s:o,s:o}", "provider", "id",
	    (json_int_t)p.id, "name", p.name, "category", p.category ?
	    json_pack("{s:s,s:s}", "code", p.category, "name",
	    rule_category_name(p.category) ? rule_category_name(p.category) :
	    p.category) : json_null(), "peers", (json_int_t)(p.category ?
	    rows.n : 0), "figures", figs, "ratings", rates, "reasons",
	    reasons);
done:
	free(vals);
	db_rows_free(&rows);
	db_rows_free(&why);
	db_res_free(keep);
	return o;
}

static int
scorecard_reply(struct req *r, int64_t id)
{
	int rc;
	json_t *o = scorecard_json(r->db, id, r->now, &rc);

	if (o == NULL)
		return rc == DB_NOTFOUND ? http_error(r, 404, "not_found", NULL,
		    "服务机构不存在") : http_db_error(r, rc);
	return http_json(r, 200, o);
}

/* GET /api/bureau/providers/{id}/scorecard → 200 the scorecard
 * (scorecard_json); 404 not_found. Bureau and reviewer (the collection
 * review shows it beside each pending application). */
int
scorecard_bureau(struct req *r)
{
	return scorecard_reply(r, r->ids[0]);
}

/* GET /api/provider/scorecard → 200 the provider's own scorecard: the
 * id is the session's, never a parameter, so no provider sees
 * another's. */
int
scorecard_own(struct req *r)
{
	return scorecard_reply(r, r->sess.provider_id);
}
