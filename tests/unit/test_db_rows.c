/*
 * test_db_rows.c - the typed rows of the data layer, on results built by
 * hand (the driver fills the same struct db_res from MariaDB): fields are
 * bound by column alias, so a reordered SELECT fills the same members; a
 * missing or mistyped column is an error, never a silent wrong read; NULL
 * gives 0, false or NULL, and DB_COL_NULL tells it apart; DB_ARGS counts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "db.h"
#include "log.h"

struct product_row {
	int64_t     id;
	const char *name;
	int         validity_days;
	bool        listed;
	time_t      created_at;
	bool        no_subsidy;
	int64_t     subsidy;
};

static const struct db_col product_cols[] = {
	DB_COL(struct product_row, id),
	DB_COL(struct product_row, name),
	DB_COL(struct product_row, validity_days),
	DB_COL(struct product_row, listed),
	DB_COL(struct product_row, created_at),
	DB_COL(struct product_row, subsidy),
	DB_COL_NULL(struct product_row, no_subsidy, "subsidy"),
};
static const struct db_rowmap product_map =
    DB_ROWMAP(struct product_row, product_cols);

/* One row with columns named and typed as given, values as given. */
struct fake {
	struct db_res  res;
	char          *names[8];
	enum db_ctype  types[8];
	struct db_val  vals[8];
};

static void
fake_col(struct fake *f, const char *name, enum db_ctype t, struct db_val v)
{
	size_t c = f->res.ncols++;

	f->names[c] = (char *)(uintptr_t)name;
	f->types[c] = t;
	f->vals[c] = v;
}

static void
fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->res.nrows = 1;
	f->res.names = f->names;
	f->res.types = f->types;
	f->res.vals = f->vals;
	f->res.stmt = "STMT_TEST";
}

#define INTV(x)  ((struct db_val){ .i = (x) })
#define STRV(x)  ((struct db_val){ .s = (char *)(uintptr_t)(x), .len = strlen(x) })
#define NULLV    ((struct db_val){ .null = true })

TEST(test_rows_bind_by_alias_in_any_column_order)
{
	struct fake a, b;
	struct product_row ra, rb;

	fake_init(&a);
	fake_col(&a, "id", DBC_INT, INTV(7));
	fake_col(&a, "name", DBC_TEXT, STRV("财务审计"));
	fake_col(&a, "validity_days", DBC_INT, INTV(30));
	fake_col(&a, "listed", DBC_BOOL, INTV(1));
	fake_col(&a, "created_at", DBC_DATETIME, INTV(1700000000));
	fake_col(&a, "subsidy", DBC_INT, INTV(4500000));
	/* the same row, its SELECT reordered */
	fake_init(&b);
	fake_col(&b, "subsidy", DBC_INT, INTV(4500000));
	fake_col(&b, "created_at", DBC_DATETIME, INTV(1700000000));
	fake_col(&b, "listed", DBC_BOOL, INTV(1));
	fake_col(&b, "name", DBC_TEXT, STRV("财务审计"));
	fake_col(&b, "validity_days", DBC_INT, INTV(30));
	fake_col(&b, "id", DBC_INT, INTV(7));
	CHECK_EQ(db_res_row(&a.res, 0, &product_map, &ra), DB_OK);
	CHECK_EQ(db_res_row(&b.res, 0, &product_map, &rb), DB_OK);
	CHECK_EQ(ra.id, 7);
	CHECK_STR(ra.name, "财务审计");
	CHECK_EQ(ra.validity_days, 30);
	CHECK(ra.listed);
	CHECK_EQ(ra.created_at, 1700000000);
	CHECK_EQ(ra.subsidy, 4500000);
	CHECK(!ra.no_subsidy);
	CHECK(memcmp(&ra, &rb, sizeof(ra)) == 0);
}

TEST(test_rows_null_gives_zero_and_is_told_apart)
{
	struct fake f;
	struct product_row r;

	fake_init(&f);
	fake_col(&f, "id", DBC_INT, INTV(1));
	fake_col(&f, "name", DBC_TEXT, NULLV);
	fake_col(&f, "validity_days", DBC_INT, NULLV);
	fake_col(&f, "listed", DBC_BOOL, NULLV);
	fake_col(&f, "created_at", DBC_DATETIME, NULLV);
	fake_col(&f, "subsidy", DBC_INT, NULLV);
	CHECK_EQ(db_res_row(&f.res, 0, &product_map, &r), DB_OK);
	CHECK(r.name == NULL);
	CHECK_EQ(r.validity_days, 0);
	CHECK(!r.listed);
	CHECK_EQ(r.created_at, 0);
	CHECK_EQ(r.subsidy, 0);
	CHECK(r.no_subsidy);
}

TEST(test_rows_missing_column_is_an_error)
{
	struct fake f;
	struct product_row r;

	fake_init(&f);
	fake_col(&f, "id", DBC_INT, INTV(1));
	fake_col(&f, "nmae", DBC_TEXT, STRV("misspelt"));
	fake_col(&f, "validity_days", DBC_INT, INTV(30));
	fake_col(&f, "listed", DBC_BOOL, INTV(1));
	fake_col(&f, "created_at", DBC_DATETIME, INTV(1));
	fake_col(&f, "subsidy", DBC_INT, INTV(1));
	CHECK_EQ(db_res_row(&f.res, 0, &product_map, &r), DB_ERROR);
	CHECK_EQ(db_col_find(&f.res, "name"), -1);
	CHECK_EQ(db_col(&f.res, "validity_days"), 2);
}

TEST(test_rows_column_of_another_type_is_an_error)
{
	struct fake f;
	struct product_row r;

	fake_init(&f);
	fake_col(&f, "id", DBC_TEXT, STRV("7"));	/* text into int64_t */
	fake_col(&f, "name", DBC_TEXT, STRV("x"));
	fake_col(&f, "validity_days", DBC_INT, INTV(30));
	fake_col(&f, "listed", DBC_BOOL, INTV(1));
	fake_col(&f, "created_at", DBC_DATETIME, INTV(1));
	fake_col(&f, "subsidy", DBC_INT, INTV(1));
	CHECK_EQ(db_res_row(&f.res, 0, &product_map, &r), DB_ERROR);
}

TEST(test_rows_int_member_refuses_an_out_of_range_value)
{
	struct fake f;
	struct product_row r;

	fake_init(&f);
	fake_col(&f, "id", DBC_INT, INTV(1));
	fake_col(&f, "name", DBC_TEXT, STRV("x"));
	fake_col(&f, "validity_days", DBC_INT, INTV(INT64_C(1) << 40));
	fake_col(&f, "listed", DBC_BOOL, INTV(1));
	fake_col(&f, "created_at", DBC_DATETIME, INTV(1));
	fake_col(&f, "subsidy", DBC_INT, INTV(1));
	CHECK_EQ(db_res_row(&f.res, 0, &product_map, &r), DB_ERROR);
}

/* DB_ARGS's count, as the driver receives it. */
static size_t
count_of(const struct db_param *p, size_t n)
{
	(void)p;
	return n;
}

TEST(test_db_args_counts_its_parameters)
{
	CHECK_EQ(count_of(DB_ARGS(DB_I64(1))), 1);
	CHECK_EQ(count_of(DB_ARGS(DB_I64(1), DB_STR("a"), DB_TIME(3),
	    DB_NULLP, DB_BOOL(true))), 5);
	CHECK_EQ(count_of(DB_NOARGS), 0);
}

int
main(void)
{
	log_init("test_db_rows", LOG__MAX);	/* the errors are expected */
	RUN(test_rows_bind_by_alias_in_any_column_order);
	RUN(test_rows_null_gives_zero_and_is_told_apart);
	RUN(test_rows_missing_column_is_an_error);
	RUN(test_rows_column_of_another_type_is_an_error);
	RUN(test_rows_int_member_refuses_an_out_of_range_value);
	RUN(test_db_args_counts_its_parameters);
	return check_done();
}
