/*
 * Jobs on several threads, started in order: documents are parsed and
 * checked on every core, and their findings merged in document order so
 * that the report is the one a single thread would give.
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include "util.h"
#include "banned.h"

struct runner {
	size_t n;
	int (*job)(size_t i, void *payload);
	bool (*stop)(void *payload);
	void *payload;
	bool stop_on_failure;
	pthread_mutex_t lock;
	size_t next;		/* the next job to start */
	bool stopped;
};

static void *run(void *arg)
{
	struct runner *r = arg;

	for (;;) {
		size_t i;
		int error;

		pthread_mutex_lock(&r->lock);
		if (!r->stopped && r->stop && r->stop(r->payload))
			r->stopped = true;
		if (r->stopped || r->next == r->n) {
			pthread_mutex_unlock(&r->lock);
			return NULL;
		}
		i = r->next++;
		pthread_mutex_unlock(&r->lock);
		error = r->job(i, r->payload);
		if (error == TG_ENOMEM || (error < 0 && r->stop_on_failure)) {
			pthread_mutex_lock(&r->lock);
			r->stopped = true;
			pthread_mutex_unlock(&r->lock);
		}
	}
}

size_t tg_parallel_threads(size_t jobs)
{
	long n = tg_options__get()->threads;

	if (n == 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n > 16)
		n = 16;
	/* A thread is worth starting for two jobs at least. */
	if (n > (long)(jobs / 2))
		n = (long)(jobs / 2);
	return n < 1 ? 1 : (size_t)n;
}

size_t tg_parallel_run(size_t n, size_t threads,
                       int (*job)(size_t i, void *payload),
                       bool (*stop)(void *payload), void *payload,
                       bool stop_on_failure)
{
	struct runner r = { n, job, stop, payload, stop_on_failure,
	                    PTHREAD_MUTEX_INITIALIZER, 0, false };
	pthread_t ids[16];
	size_t i, started = 0;

	/* A thread that cannot be started leaves its share to the others. */
	for (i = 1; i < threads && i <= 16; i++)
		if (pthread_create(&ids[started], NULL, run, &r) == 0)
			started++;
	run(&r);
	for (i = 0; i < started; i++)
		pthread_join(ids[i], NULL);
	pthread_mutex_destroy(&r.lock);
	return r.next;
}
