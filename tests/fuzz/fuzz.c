/*
 * fuzz.c - the fake FastCGI request and process set-up of the fuzz
 * targets (see fuzz.h).
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "fuzz.h"

static char files_dir[64];

/* Removes the files folder (the stored uploads a target left, and tmp/). */
static void
remove_files_dir(void)
{
	char path[512];
	DIR *d;
	struct dirent *e;

	if (files_dir[0] == '\0')
		return;
	/* two levels: "<dir>/<ab>/<name>" and "<dir>/tmp/<name>" */
	if ((d = opendir(files_dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		DIR *sub;
		struct dirent *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", files_dir, e->d_name);
		if ((sub = opendir(path)) != NULL) {
			while ((f = readdir(sub)) != NULL) {
				char file[768];

				if (f->d_name[0] == '.')
					continue;
				snprintf(file, sizeof(file), "%s/%s", path,
				    f->d_name);
				unlink(file);
			}
			closedir(sub);
		}
		rmdir(path);
	}
	closedir(d);
	rmdir(files_dir);
}

void
fuzz_setup(void)
{
	static bool done;
	char tmp[sizeof(files_dir) + 8];

	if (done)
		return;
	done = true;
	g_config.program = "fuzz";
	g_config.threads = 1;
	g_config.body_max = 65536;
	g_config.upload_max = 1 << 20;
	g_config.accel_prefix = "/_files/";
	/* uploads are fdatasync'ed: a tmpfs keeps that cheap */
	snprintf(files_dir, sizeof(files_dir), "%s/voucher-fuzz-XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(files_dir) == NULL) {
		perror("fuzz: mkdtemp");
		abort();
	}
	snprintf(tmp, sizeof(tmp), "%s/tmp", files_dir);
	if (mkdir(tmp, 0700) < 0) {
		perror("fuzz: mkdir");
		abort();
	}
	g_config.files_dir = files_dir;
	atexit(remove_files_dir);
}

const char *
fuzz_files_dir(void)
{
	return files_dir;
}

void
fuzz_param(struct fuzz_req *f, const char *name, const void *value,
    size_t len)
{
	const char *v = value;
	size_t nl = strlen(name), vl = 0;
	char *p;

	FUZZ_CHECK(f->nenv < FUZZ_MAX_PARAMS);
	while (vl < len && v[vl] != '\0')
		vl++;
	p = xmalloc(nl + vl + 2);
	memcpy(p, name, nl);
	p[nl] = '=';
	memcpy(p + nl + 1, v, vl);
	p[nl + 1 + vl] = '\0';
	f->envp[f->nenv++] = p;
	f->envp[f->nenv] = NULL;
}

/* The end of the body: the stream closes, as libfcgi's does after the
 * last FCGI_STDIN record. */
static void
fill_closed(FCGX_Stream *s)
{
	s->isClosed = 1;
}

void
fuzz_req_begin(struct fuzz_req *f, const void *body, size_t nbody)
{
	f->body = xmalloc(nbody);
	if (nbody > 0)
		memcpy(f->body, body, nbody);
	memset(&f->fcgi, 0, sizeof(f->fcgi));
	memset(&f->in, 0, sizeof(f->in));
	f->in.rdNext = f->in.stopUnget = f->body;
	f->in.stop = f->in.wrNext = f->body + nbody;
	f->in.isReader = 1;
	f->in.fillBuffProc = fill_closed;
	f->fcgi.in = &f->in;
	f->fcgi.envp = f->envp;
	f->fcgi.ipcFd = -1;
	f->envp[f->nenv] = NULL;
	req_init(&f->r, &f->fcgi, NULL, NULL);
}

void
fuzz_req_end(struct fuzz_req *f)
{
	req_end(&f->r);
	for (size_t i = 0; i < f->nenv; i++)
		free(f->envp[i]);
	f->nenv = 0;
	f->envp[0] = NULL;
	free(f->body);
	f->body = NULL;
}

char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	return xstrndup((const char *)data, size);
}
