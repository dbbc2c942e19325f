/*
 * server.c - the life of a FastCGI program: configuration, the listening
 * unix socket, N worker threads each with its own database connection(s),
 * and a graceful stop on SIGTERM/SIGINT that lets in-flight requests
 * finish.
 *
 * Workers do not block inside libfcgi's accept: each polls the
 * (non-blocking) listening socket together with a stop pipe, accepts the
 * connection itself and hands it to FCGX_Accept_r, which then only reads
 * the request. So a stop wakes every idle worker at once, and nginx must
 * not use fastcgi_keep_conn (every request is one connection).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <mysql.h>

#include "app.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "hashgate.h"
#include "lib_sql.h"
#include "log.h"
#include "metrics.h"

static int listen_fd = -1;
static int stop_pipe[2] = { -1, -1 };
static const struct app *the_app;

static double
monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
handle_one(FCGX_Request *fcgi, struct db *db, struct db *db_ro)
{
	struct req r;
	double t0 = monotonic_seconds(), dt;

	metrics_inflight(1);
	req_init(&r, fcgi, db, db_ro);
	req_dispatch(&r, the_app);
	req_send(&r);
	dt = monotonic_seconds() - t0;
	metrics_observe(r.route_index, r.status, dt);
	if (r.status >= 500)
		log_json(LOG_ERROR, r.rid, "request", json_pack(
		    "{s:s,s:s,s:i,s:f}", "method", r.method_str, "path", r.path,
		    "status", r.status, "ms", dt * 1000));
	else if (log_enabled(LOG_DEBUG))
		log_json(LOG_DEBUG, r.rid, "request", json_pack(
		    "{s:s,s:s,s:i,s:f}", "method", r.method_str, "path", r.path,
		    "status", r.status, "ms", dt * 1000));
	req_end(&r);
	metrics_inflight(-1);
}

/* One worker at a time waits for the next connection (issue #13 §5: with
 * every idle worker in poll, each connection woke them all and all but one
 * went back to sleep, a sixth more CPU per request than the bare C peer of
 * make bench). Returns the connection, or -1 when the program stops (the
 * stop pipe stays readable, so each worker in turn sees it). */
static int
accept_next(void)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	int fd = -1;

	pthread_mutex_lock(&lock);
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = listen_fd, .events = POLLIN },
			{ .fd = stop_pipe[0], .events = POLLIN },
		};

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERROR, NULL, "poll: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents != 0)
			break;
		fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			break;
		/* the client went away before the accept: wait again */
	}
	pthread_mutex_unlock(&lock);
	return fd;
}

static void *
worker_main(void *arg)
{
	FCGX_Request fcgi;
	struct db *db, *db_ro;
	const struct db_stmts app_stmts = { the_app->stmts, the_app->nstmts };

	(void)arg;
	mysql_thread_init();
	db = db_open(&g_config.db, &app_stmts, &lib_stmts);
	db_ro = (the_app->uses_ro && g_config.has_ro) ?
	    db_open(&g_config.db_ro, &app_stmts, &lib_stmts) : db;
	db_set_fallback(db_ro, db);	/* replica down: read the primary */
	FCGX_InitRequest(&fcgi, listen_fd, 0);

	for (;;) {
		int fd = accept_next();

		if (fd < 0)
			break;
		/* hand the connection to libfcgi; keepConnection stops
		 * FCGX_Accept_r's opening Finish from closing it */
		fcgi.ipcFd = fd;
		fcgi.keepConnection = 1;
		if (FCGX_Accept_r(&fcgi) < 0)
			continue;	/* a broken FastCGI request: dropped */
		handle_one(&fcgi, db, db_ro);
		FCGX_Finish_r(&fcgi);
		if (fcgi.ipcFd >= 0)
			FCGX_Free(&fcgi, 1);	/* no keep-conn: one per request */
	}
	if (db_ro != db)
		db_close(db_ro);
	db_close(db);
	mysql_thread_end();
	return NULL;
}

/* Opens the listening socket: a unix socket of mode 0660 whose group is
 * VOUCHER_SOCKET_GROUP (nginx's), or ":port" / "host:port" for TCP. */
static int
open_listener(const char *path)
{
	mode_t old;
	int fd, flags;

	old = umask(0117);
	fd = FCGX_OpenSocket(path, 1024);
	umask(old);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot listen on %s: %s\n",
		    g_config.program, path, strerror(errno));
		return -1;
	}
	if (path[0] == '/' || path[0] == '.') {
		if (g_config.socket_group != NULL) {
			struct group *gr = getgrnam(g_config.socket_group);

			if (gr == NULL || chown(path, (uid_t)-1, gr->gr_gid) < 0) {
				fprintf(stderr, "%s: cannot give %s to group "
				    "%s\n", g_config.program, path,
				    g_config.socket_group);
				close(fd);
				return -1;
			}
		}
		if (chmod(path, 0660) < 0) {
			close(fd);
			return -1;
		}
	}
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

int
server_main(const struct app *app, int argc, char **argv)
{
	pthread_t *threads;
	sigset_t set;
	int sig = 0;

	the_app = app;
	/* every statement of the program and of the domain layer, as JSON
	 * lines, and nothing else (tests/integration/test_explain.py) */
	if (argc == 2 && strcmp(argv[1], "--dump-sql") == 0) {
		const struct db_stmts own = { app->stmts, app->nstmts };

		return db_stmts_dump(stdout, app->name, &own) < 0 ||
		    db_stmts_dump(stdout, app->name, &lib_stmts) < 0 ? 1 : 0;
	}
	/* issue 16 §6: the route table as JSON lines, without configuration
	 * or database (tests/integration/test_openapi.py) */
	if (argc == 2 && strcmp(argv[1], "--dump-routes") == 0)
		return http_dump_routes(app, stdout) < 0 ? 1 : 0;
	if (config_load(app->name) < 0)
		return 2;
	log_init(app->name, (enum log_level)g_config.log_level);
	clock_set_file(g_config.clock_file);
	if (g_config.listen == NULL) {
		fprintf(stderr, "%s: VOUCHER_LISTEN (the socket path) is not "
		    "set\n", app->name);
		return 2;
	}
	if (mysql_library_init(0, NULL, NULL) != 0 || FCGX_Init() != 0) {
		fprintf(stderr, "%s: library initialisation failed\n",
		    app->name);
		return 1;
	}
	if ((listen_fd = open_listener(g_config.listen)) < 0)
		return 1;
	if (pipe2(stop_pipe, O_CLOEXEC) < 0)
		return 1;
	metrics_init(app);
	/* issue 15: the slow password hashes take at most hash_slots workers
	 * and as many more wait, leaving one worker free for other routes */
	hashgate_init(g_config.hash_slots, g_config.threads -
	    g_config.hash_slots - 1, g_config.hash_wait_ms);

	/* workers inherit this mask: only the main thread takes signals */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	threads = xcalloc((size_t)g_config.threads, sizeof(*threads));
	for (int i = 0; i < g_config.threads; i++)
		if (pthread_create(&threads[i], NULL, worker_main, NULL) != 0) {
			fprintf(stderr, "%s: cannot start worker\n", app->name);
			return 1;
		}
	log_msg(LOG_INFO, NULL, "listening on %s with %d workers",
	    g_config.listen, g_config.threads);

	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		;	/* nothing to reload */
	log_msg(LOG_INFO, NULL, "signal %d: finishing in-flight requests", sig);
	if (write(stop_pipe[1], "x", 1) < 0)
		log_msg(LOG_ERROR, NULL, "stop pipe: %s", strerror(errno));
	for (int i = 0; i < g_config.threads; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	close(listen_fd);
	if (g_config.listen[0] == '/' || g_config.listen[0] == '.')
		unlink(g_config.listen);
	mysql_library_end();
	log_msg(LOG_INFO, NULL, "stopped");
	return 0;
}
