/*
 * hashgate.c - the bound on concurrent password derivations (see
 * hashgate.h): a mutex, a condition variable on the monotonic clock and
 * three counters.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "hashgate.h"

static struct {
	pthread_mutex_t mu;
	pthread_cond_t  cv;
	bool            on;          /* hashgate_init() ran                 */
	int             slots;       /* at most this many hash at once      */
	int             busy;        /* slots taken                         */
	int             max_waiting; /* at most this many wait for one      */
	int             waiting;
	int             wait_ms;     /* how long one waits at most          */
} gate = { .mu = PTHREAD_MUTEX_INITIALIZER };

void
hashgate_init(int slots, int max_waiting, int wait_ms)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&gate.cv, &ca);
	pthread_condattr_destroy(&ca);
	gate.slots = slots < 1 ? 1 : slots;
	gate.max_waiting = max_waiting < 0 ? 0 : max_waiting;
	gate.wait_ms = wait_ms < 0 ? 0 : wait_ms;
	gate.on = true;
}

bool
hashgate_enter(void)
{
	struct timespec until;
	bool ok;

	if (!gate.on)
		return true;
	pthread_mutex_lock(&gate.mu);
	if (gate.busy < gate.slots) {
		gate.busy++;
		pthread_mutex_unlock(&gate.mu);
		return true;
	}
	if (gate.waiting >= gate.max_waiting || gate.wait_ms == 0) {
		pthread_mutex_unlock(&gate.mu);
		return false;
	}
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += gate.wait_ms / 1000;
	until.tv_nsec += (long)(gate.wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	gate.waiting++;
	while (gate.busy >= gate.slots)
		if (pthread_cond_timedwait(&gate.cv, &gate.mu, &until) ==
		    ETIMEDOUT)
			break;
	gate.waiting--;
	ok = gate.busy < gate.slots;
	if (ok)
		gate.busy++;
	pthread_mutex_unlock(&gate.mu);
	return ok;
}

void
hashgate_leave(void)
{
	if (!gate.on)
		return;
	pthread_mutex_lock(&gate.mu);
	gate.busy--;
	pthread_cond_signal(&gate.cv);
	pthread_mutex_unlock(&gate.mu);
}
