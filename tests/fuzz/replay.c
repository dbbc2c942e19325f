/*
 * replay.c - runs a fuzz target once over each file named on the command
 * line or found in a folder named there (the seed corpus and the saved
 * crashers), without libFuzzer: `make test` runs it under the test
 * build's sanitizers, so a fixed crash that comes back fails the tests.
 * Prints "N inputs" and exits 0 when every input ran; a crash aborts.
 * Zero inputs is a failure (a replay that checks nothing).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Runs the target over the file at path. Returns 0, or -1 if unreadable. */
static int
replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t n = 0, cap = 0, got;

	if (fp == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			data = realloc(data, cap);
			if (data == NULL)
				abort();
		}
		got = fread(data + n, 1, cap - n, fp);
		n += got;
	} while (got > 0);
	fclose(fp);
	/* an exact-size copy, so that a read past the input traps */
	{
		unsigned char *exact = malloc(n ? n : 1);

		if (exact == NULL)
			abort();
		memcpy(exact, data, n);
		free(data);
		fprintf(stderr, "replay: %s\n", path);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	return 0;
}

/* Not a dot file. */
static int
visible(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Runs the target over every file of dir (in name order, dot files
 * skipped). Returns the number run, or -1. */
static long
replay_dir(const char *dir)
{
	struct dirent **names;
	char path[4096];
	long done = 0;
	int n = scandir(dir, &names, visible, alphasort);

	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (done >= 0 && replay_file(path) == 0)
			done++;
		else
			done = -1;
		free(names[i]);
	}
	free(names);
	return done;
}

int
main(int argc, char **argv)
{
	long total = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		long n;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			return 1;
		}
		n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) :
		    replay_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			return 1;
		total += n;
	}
	printf("%ld inputs\n", total);
	return total > 0 ? 0 : 1;
}
