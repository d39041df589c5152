/* event: see event.h. */
#include "event.h"

#include <string.h>

#include "clock.h"
#include "global.h"

void outmsg_init(struct outmsg *m, const char *source, const char *command, int nparams,
		 const char *const *params)
{
	memset(m, 0, sizeof *m);
	m->unix_ms = clock_unix_ms();
	m->stamp = atomic_fetch_add(&g_server.next_stamp, 1) + 1;
	msgid_new(m->msgid);
	m->source = source;
	m->command = command;
	m->nparams = nparams < OUTMSG_PARAMS_MAX ? nparams : OUTMSG_PARAMS_MAX;
	for (int i = 0; i < m->nparams; i++)
		m->params[i] = params[i];
}

void outmsg_release(struct outmsg *m)
{
	/* Our own reference plus the reserved ones no recipient took. */
	if (m->irc)
		msgbuf_unref_n(m->irc, MSGBUF_RESERVE + 1 - m->irc_taken);
	if (m->irc_time)
		msgbuf_unref_n(m->irc_time, MSGBUF_RESERVE + 1 - m->irc_time_taken);
	if (m->irc_tags)
		msgbuf_unref_n(m->irc_tags, MSGBUF_RESERVE + 1 - m->irc_tags_taken);
	if (m->plain)
		msgbuf_unref_n(m->plain, MSGBUF_RESERVE + 1 - m->plain_taken);
	if (m->plain_other)
		msgbuf_unref_n(m->plain_other, MSGBUF_RESERVE + 1 - m->plain_other_taken);
	m->irc = m->irc_time = m->irc_tags = m->plain = m->plain_other = NULL;
	for (int i = 0; i < OUTMSG_VARIANTS; i++) {
		struct outmsg_variant *v = &m->variants[i];
		if (v->buf)
			msgbuf_unref_n(v->buf, MSGBUF_RESERVE + 1 - v->taken);
		v->buf = NULL;
	}
}
