/* irc_batch: see irc_batch.h. */
#include "irc_batch.h"

#include <stdio.h>

#include "deliver.h"
#include "event.h"
#include "global.h"
#include "session.h"

#define BATCH_PARAMS_MAX 8

void irc_batch_begin(struct session *s, struct irc_batch *b)
{
	b->ref[0] = '\0';
	if (!(atomic_load(&s->caps) & CAP_BATCH))
		return;
	snprintf(b->ref, sizeof b->ref, "b%u", ++s->batch_seq);
}

bool irc_batch_on(const struct irc_batch *b)
{
	return b->ref[0] != '\0';
}

const char *irc_batch_tags(const struct irc_batch *b, const char *more, char *buf, size_t cap)
{
	bool has_more = more && more[0];
	if (!irc_batch_on(b)) {
		if (!has_more)
			return NULL;
		snprintf(buf, cap, "%s", more);
	} else {
		snprintf(buf, cap, "batch=%s%s%s", b->ref, has_more ? ";" : "", has_more ? more : "");
	}
	return buf;
}

/* "BATCH <sign>ref params..." into buf; 0 when b is off. */
static int batch_line(const struct irc_batch *b, const char *tags, char sign, int nparams,
		      const char *const *params, char *buf, size_t cap)
{
	if (!irc_batch_on(b))
		return 0;
	char ref[IRC_BATCH_REF_MAX + 1];
	snprintf(ref, sizeof ref, "%c%s", sign, b->ref);
	const char *all[BATCH_PARAMS_MAX + 1] = {ref};
	int n = 1;
	for (int i = 0; i < nparams && n <= BATCH_PARAMS_MAX; i++)
		all[n++] = params[i];
	return deliver_format(buf, cap, tags, g_server.cfg.name, "BATCH", n, all);
}

int irc_batch_format_start(const struct irc_batch *b, const char *tags, const char *type,
			   int nparams, const char *const *params, char *buf, size_t cap)
{
	const char *all[BATCH_PARAMS_MAX] = {type};
	int n = 1;
	for (int i = 0; i < nparams && n < BATCH_PARAMS_MAX; i++)
		all[n++] = params[i];
	return batch_line(b, tags, '+', n, all, buf, cap);
}

int irc_batch_format_end(const struct irc_batch *b, const char *tags, char *buf, size_t cap)
{
	return batch_line(b, tags, '-', 0, NULL, buf, cap);
}

void irc_batch_send_start(struct session *s, const struct irc_batch *b, const char *type,
			  const char *param)
{
	char line[OUT_SERVER_LINE_MAX];
	int len = irc_batch_format_start(b, NULL, type, param ? 1 : 0, &param, line, sizeof line);
	if (len > 0)
		deliver_queue_line(s, s, line, (size_t)len);
}

void irc_batch_send_end(struct session *s, const struct irc_batch *b)
{
	char line[OUT_SERVER_LINE_MAX];
	int len = irc_batch_format_end(b, NULL, line, sizeof line);
	if (len > 0)
		deliver_queue_line(s, s, line, (size_t)len);
}
