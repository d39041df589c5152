/* motd: see motd.h. */
#include "motd.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "xalloc.h"

struct motd {
	atomic_int refs;
	char text[];
};

static pthread_mutex_t motd_lock = PTHREAD_MUTEX_INITIALIZER;
static struct motd *motd_current; /* guarded by motd_lock; holds one reference */

void motd_set(char *text)
{
	struct motd *m = NULL;
	if (text) {
		size_t len = strlen(text);
		m = xmalloc(sizeof *m + len + 1);
		atomic_init(&m->refs, 1);
		memcpy(m->text, text, len + 1);
		free(text);
	}
	pthread_mutex_lock(&motd_lock);
	struct motd *old = motd_current;
	motd_current = m;
	pthread_mutex_unlock(&motd_lock);
	motd_release(old);
}

struct motd *motd_acquire(void)
{
	pthread_mutex_lock(&motd_lock);
	struct motd *m = motd_current;
	if (m)
		atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&motd_lock);
	return m;
}

const char *motd_text(const struct motd *m)
{
	return m->text;
}

bool motd_line_next(const char **p, const char **line, size_t *len)
{
	if (!**p)
		return false;
	*line = *p;
	*len = strcspn(*p, "\r\n");
	*p += *len;
	if (**p == '\r')
		(*p)++;
	if (**p == '\n')
		(*p)++;
	return true;
}

void motd_release(struct motd *m)
{
	if (m && atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1)
		free(m);
}

int motd_reload(const char *path, char **error)
{
	char *text;
	if (config_read_motd(path, &text, error) < 0)
		return -1;
	motd_set(text);
	return 0;
}

void motd_free(void)
{
	motd_set(NULL);
}
