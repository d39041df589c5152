/* state_multiline: draft/multiline's capability and received batches. */
#include "state_multiline.h"

#include <stdio.h>
#include <string.h>

#include "state_message.h"
#include "state_queue.h"

void state_multiline_cap_ls(struct state *st, const char *caps)
{
	static const char key[] = "draft/multiline=";
	size_t klen = sizeof(key) - 1;
	/* Bounded: every turn moves p past one space-separated token. */
	for (const char *p = caps; *p;) {
		size_t len = strcspn(p, " ");
		if (len > klen && strncmp(p, key, klen) == 0) {
			char value[128];
			size_t vlen = len - klen;
			if (vlen < sizeof(value)) {
				memcpy(value, p + klen, vlen);
				value[vlen] = '\0';
				st->ml_value_ok = multiline_parse_cap(value, &st->ml_limits);
			}
		}
		p += len;
		while (*p == ' ')
			p++;
	}
}

void state_multiline_cap(struct state *st, bool on)
{
	st->cap_multiline = on;
}

bool state_multiline_limits(const struct state *st, struct multiline_limits *out)
{
	if (!st->cap_multiline || !st->cap_batch || !st->ml_value_ok)
		return false;
	*out = st->ml_limits;
	return true;
}

/* The collected batch named ref, or NULL. */
static struct state_ml_recv *state_multiline_find(struct state *st, const char *ref)
{
	for (size_t i = 0; ref && i < STATE_MULTILINE_OPEN_MAX; i++)
		if (st->ml_open[i].used && strcmp(st->ml_open[i].ref, ref) == 0)
			return &st->ml_open[i];
	return NULL;
}

/* Shows a collected batch (why: a note when it did not end normally) and
 * frees its slot. */
static void state_multiline_show(struct state *st, struct state_ml_recv *r, const char *why)
{
	struct state_ctx c = {.nick = r->nick,
	                      .from_server = r->from_server,
	                      .ms = r->ms,
	                      .now = st->now_ms,
	                      .has_time = r->has_time,
	                      .msgid = r->msgid[0] ? r->msgid : NULL};
	if (r->msg.n > 0)
		state_message_block(st, &c, r->target, r->notice, (const char *const *)r->msg.lines,
		                    r->msg.n,
		                    r->msg.cut ? "the rest of it is shown line by line" : why);
	multiline_msg_free(&r->msg);
	r->used = false;
}

/* BATCH +ref draft/multiline target: a slot for it (the oldest is shown
 * to make room). */
static void state_multiline_open(struct state *st, struct state_ctx *c, const char *ref)
{
	const struct ircmsg *m = c->m;
	if (m->nparams < 3 || strcmp(m->params[1], "draft/multiline") != 0 || c->batch ||
	    c->from_server || strlen(ref) > BATCHES_REF_MAX ||
	    strlen(m->params[2]) > BATCHES_TARGET_MAX || strlen(c->nick) > NICK_LEN_MAX ||
	    state_multiline_find(st, ref))
		return;
	struct state_ml_recv *r = NULL, *oldest = &st->ml_open[0];
	for (size_t i = 0; i < STATE_MULTILINE_OPEN_MAX && !r; i++) {
		if (!st->ml_open[i].used)
			r = &st->ml_open[i];
		else if (st->ml_open[i].seq < oldest->seq)
			oldest = &st->ml_open[i];
	}
	if (!r) {
		state_multiline_show(st, oldest, "it never ended");
		r = oldest;
	}
	memset(r, 0, sizeof(*r));
	r->used = true;
	r->seq = ++st->ml_seq;
	snprintf(r->ref, sizeof(r->ref), "%s", ref);
	snprintf(r->target, sizeof(r->target), "%s", m->params[2]);
	snprintf(r->nick, sizeof(r->nick), "%s", c->nick);
	r->ms = c->ms;
	r->has_time = c->has_time;
	if (c->msgid)
		snprintf(r->msgid, sizeof(r->msgid), "%s", c->msgid);
}

void state_multiline_on_batch(struct state *st, struct state_ctx *c)
{
	if (c->m->nparams < 1 || strlen(c->m->params[0]) < 2)
		return;
	const char *p0 = c->m->params[0];
	if (p0[0] == '+') {
		state_multiline_open(st, c, p0 + 1);
	} else if (p0[0] == '-') {
		struct state_ml_recv *r = state_multiline_find(st, p0 + 1);
		if (r)
			state_multiline_show(st, r, NULL);
	}
}

bool state_multiline_take(struct state *st, struct state_ctx *c, bool notice)
{
	struct state_ml_recv *r = c->batch ? state_multiline_find(st, c->batch) : NULL;
	if (!r || c->m->nparams < 2 || !state_same(c->m->params[0], r->target) ||
	    strcmp(c->nick, r->nick) != 0)
		return false; /* not ours to collect: shown as a line of its own */
	if (r->msg.n == 0)
		r->notice = notice;
	char concat[8];
	bool is_concat = c->m->tags && ircmsg_tag_get(c->m->tags, "draft/multiline-concat", concat,
	                                              sizeof(concat)) >= 0;
	if (multiline_msg_add(&r->msg, c->m->params[1], is_concat))
		return true;
	/* Past the bounds: what came is shown now, and this line and the
	 * rest of the batch (no longer collected) one by one after it. */
	state_multiline_show(st, r, NULL);
	return false;
}

void state_multiline_reset(struct state *st)
{
	for (size_t i = 0; i < STATE_MULTILINE_OPEN_MAX; i++)
		if (st->ml_open[i].used)
			state_multiline_show(st, &st->ml_open[i], "it never ended");
	st->cap_multiline = false;
	st->ml_value_ok = false;
}

void state_multiline_free(struct state *st)
{
	for (size_t i = 0; i < STATE_MULTILINE_OPEN_MAX; i++) {
		multiline_msg_free(&st->ml_open[i].msg);
		st->ml_open[i].used = false;
	}
}
