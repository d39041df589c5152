/* oper: see oper.h. */
#include "oper.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "kline_mask.h"
#include "operpass.h"
#include "xalloc.h"

struct oper_table {
	atomic_int refs;
	int n;
	struct config_oper opers[]; /* immutable once installed */
};

/* The table in force; oper_lock (a leaf) guards the pointer only. */
static pthread_mutex_t oper_lock = PTHREAD_MUTEX_INITIALIZER;
static struct oper_table *current; /* NULL: no blocks */

/* Drops a reference; the last one frees the table. */
static void table_release(struct oper_table *t)
{
	if (t && atomic_fetch_sub(&t->refs, 1) == 1) {
		explicit_bzero(t->opers, (size_t)t->n * sizeof *t->opers);
		free(t);
	}
}

/* The table in force with a reference taken, or NULL. */
static struct oper_table *table_acquire(void)
{
	pthread_mutex_lock(&oper_lock);
	struct oper_table *t = current;
	if (t)
		atomic_fetch_add(&t->refs, 1);
	pthread_mutex_unlock(&oper_lock);
	return t;
}

void oper_set(const struct config_oper *opers, int n)
{
	struct oper_table *t = NULL;
	if (n > 0) {
		t = xmalloc(sizeof *t + (size_t)n * sizeof *opers);
		atomic_init(&t->refs, 1);
		t->n = n;
		memcpy(t->opers, opers, (size_t)n * sizeof *opers);
	}
	pthread_mutex_lock(&oper_lock);
	struct oper_table *old = current;
	current = t;
	pthread_mutex_unlock(&oper_lock);
	table_release(old);
}

/* Does the block allow a client at host? */
static bool block_allows(const struct config_oper *block, const char *host)
{
	if (!block->from[0])
		return true;
	struct kline_mask m;
	const char *why;
	return kline_mask_parse(block->from, &m, &why) == 0 && kline_mask_match_host(&m, host);
}

enum oper_result oper_check(const char *name, const char *password, bool verify,
			    const char *host)
{
	struct oper_table *t = table_acquire();
	const struct config_oper *block = NULL;
	for (int i = 0; t && i < t->n && !block; i++)
		if (strcmp(t->opers[i].name, name) == 0)
			block = &t->opers[i];
	enum oper_result r;
	if (!block) {
		if (verify)
			operpass_verify_dummy(password);
		r = OPER_NO_BLOCK;
	} else if (verify && operpass_verify(password, block->hash)) {
		r = block_allows(block, host) ? OPER_OK : OPER_WRONG_HOST;
	} else {
		r = OPER_WRONG_PASSWORD;
	}
	table_release(t);
	return r;
}

void oper_free(void)
{
	oper_set(NULL, 0);
}
