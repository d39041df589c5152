/* irc_multiline: see irc_multiline.h. */
#include "irc_multiline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "clock.h"
#include "global.h"
#include "ircmsg.h"
#include "irc_reply.h"
#include "multiline.h"
#include "session.h"
#include "xalloc.h"

/* Sends "FAIL BATCH code [arg] :text" to s (arg may be NULL). */
static void fail(struct session *s, const char *code, const char *arg, const char *text)
{
	if (arg)
		send_self(s, g_server.cfg.name, "FAIL", "BATCH", code, arg, text, NULL);
	else
		send_self(s, g_server.cfg.name, "FAIL", "BATCH", code, text, NULL);
}

/* The value of tag key in a tag section (no unescaping: a batch reference
 * is a plain token) into out: 1, 0 when absent, -1 when too long. */
static int tag_value(const char *tags, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key);
	for (const char *p = tags; p && *p; p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL) {
		size_t len = strcspn(p, ";");
		if (len >= klen && strncmp(p, key, klen) == 0 && (len == klen || p[klen] == '=')) {
			size_t vlen = len > klen ? len - klen - 1 : 0;
			if (vlen >= cap)
				return -1;
			memcpy(out, p + klen + 1, vlen);
			out[vlen] = '\0';
			return 1;
		}
	}
	return 0;
}

/* Tells s why its batch was refused and drops what it gathered. */
static void refuse(struct session *s, enum multiline_result r, const char *msg_target)
{
	struct multiline *ml = session_extra_read(s)->multiline;
	const char *code = multiline_result_code(r);
	char limit[16];
	switch (r) {
	case MULTILINE_ERR_MAX_BYTES:
		snprintf(limit, sizeof limit, "%d", MULTILINE_MAX_BYTES);
		fail(s, code, limit, "Multiline batch max-bytes exceeded");
		break;
	case MULTILINE_ERR_MAX_LINES:
		snprintf(limit, sizeof limit, "%d", MULTILINE_MAX_LINES);
		fail(s, code, limit, "Multiline batch max-lines exceeded");
		break;
	case MULTILINE_ERR_INVALID_TARGET:
		send_self(s, g_server.cfg.name, "FAIL", "BATCH", code, ml->target,
			  msg_target ? msg_target : "*", "Mismatched target in multiline batch",
			  NULL);
		break;
	default:
		fail(s, code, NULL, "Invalid multiline batch");
		break;
	}
	ml->failed = true;
}

bool irc_multiline_take(struct session *s, struct ircmsg *m)
{
	char ref[MULTILINE_REF_MAX + 1];
	int found = m->tags && s->registered ? tag_value(m->tags, "batch", ref, sizeof ref) : 0;
	if (found == 0)
		return false;
	struct multiline *ml = session_extra_read(s)->multiline;
	if (found < 0 || !ml || strcmp(ml->ref, ref) != 0) {
		fail(s, "INVALID_REFTAG", NULL, "No such batch is open");
		return true;
	}
	if (ml->failed)
		return true; /* the rest of a refused batch */
	if (multiline_expired(ml, clock_mono_ms())) {
		fail(s, "TIMEOUT", NULL, "Multiline batch timed out");
		ml->failed = true;
		return true;
	}
	const char *target = m->nparams > 0 ? m->params[0] : "";
	const char *text = m->nparams > 1 ? m->params[1] : "";
	char concat[8];
	bool joined = tag_value(m->tags, "draft/multiline-concat", concat, sizeof concat) != 0;
	enum multiline_result r = multiline_add(ml, m->command, target, text, joined);
	if (r != MULTILINE_OK)
		refuse(s, r, target);
	return true;
}

/* BATCH +ref draft/multiline target. */
static void batch_open(struct session *s, struct ircmsg *m)
{
	if (m->nparams < 3) {
		reply(s, "461", "BATCH", "Not enough parameters", NULL);
		return;
	}
	if (strcmp(m->params[1], "draft/multiline") != 0) {
		fail(s, "UNKNOWN_TYPE", NULL, "Unknown batch type");
		return;
	}
	if (session_extra_read(s)->multiline) {
		fail(s, "MULTILINE_INVALID", NULL, "A multiline batch is open already");
		return;
	}
	struct multiline *ml = xmalloc(sizeof *ml);
	if (multiline_open(ml, m->params[0] + 1, m->params[2], clock_mono_ms()) < 0) {
		free(ml);
		fail(s, "MULTILINE_INVALID", NULL, "Invalid batch reference or target");
		return;
	}
	session_extra(s)->multiline = ml;
}

/* BATCH -ref: sends the batch if nothing went wrong. */
static void batch_close(struct session *s, struct ircmsg *m)
{
	struct multiline *ml = session_extra_read(s)->multiline;
	if (!ml || strcmp(ml->ref, m->params[0] + 1) != 0) {
		fail(s, "INVALID_REFTAG", NULL, "No such batch is open");
		return;
	}
	struct session_extra *x = session_extra(s); /* there is one: it holds ml */
	x->multiline = NULL;
	enum multiline_result r = MULTILINE_OK;
	if (!ml->failed && multiline_expired(ml, clock_mono_ms())) {
		fail(s, "TIMEOUT", NULL, "Multiline batch timed out");
	} else if (!ml->failed && (r = multiline_close_check(ml)) != MULTILINE_OK) {
		x->multiline = ml; /* refuse() names its target */
		refuse(s, r, NULL);
		x->multiline = NULL;
	} else if (!ml->failed) {
		char nick[NICK_LEN_MAX + 1], away[AWAY_LEN_MAX + 1];
		enum chat_result cr = chat_multiline(s, ml, nick, away);
		if (cr != CHAT_OK && ml->command[0] == 'P')
			irc_refuse(s, cr, ml->target, ml->target);
		else if (cr == CHAT_OK && away[0])
			reply(s, "301", nick, away, NULL);
	}
	free(ml);
}

void cmd_batch(struct session *s, struct ircmsg *m)
{
	if (!(atomic_load(&s->caps) & CAP_MULTILINE)) {
		reply(s, "421", "BATCH", "Unknown command (BATCH needs the draft/multiline capability)",
		      NULL);
		return;
	}
	const char *ref = m->params[0];
	if (ref[0] == '+')
		batch_open(s, m);
	else if (ref[0] == '-')
		batch_close(s, m);
	else
		fail(s, "INVALID_REFTAG", NULL, "A batch reference starts with + or -");
}
