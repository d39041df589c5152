/* irc_history: see irc_history.h. */
#include "irc_history.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chat_history.h"
#include "global.h"
#include "irc_batch.h"
#include "irc_reply.h"
#include "ircmsg.h"
#include "ircname.h"
#include "readmark.h"
#include "reply.h"
#include "session.h"
#include "xalloc.h"

/* Parses "msgid=ID" or "timestamp=TIME" (and "*" when star_ok). */
static bool ref_parse(const char *text, bool star_ok, struct history_ref *out)
{
	memset(out, 0, sizeof *out);
	if (star_ok && strcmp(text, "*") == 0)
		return true;
	if (strncmp(text, "msgid=", 6) == 0 && msgid_valid(text + 6)) {
		out->kind = HREF_MSGID;
		snprintf(out->msgid, sizeof out->msgid, "%s", text + 6);
		return true;
	}
	if (strncmp(text, "timestamp=", 10) == 0 &&
	    ircmsg_time_parse(text + 10, &out->unix_ms) == 0) {
		out->kind = HREF_TIME;
		return true;
	}
	return false;
}

/* Parses a limit: a whole number from 1 up; more than CHAT_HISTORY_MAX
 * is cut to it. */
static bool limit_parse(const char *text, size_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno || end == text || *end || v < 1)
		return false;
	*out = v > CHAT_HISTORY_MAX ? CHAT_HISTORY_MAX : (size_t)v;
	return true;
}

const char *chathistory_parse(int nparams, char *const *params, struct chathistory_request *out)
{
	static const struct {
		const char *name;
		enum chathistory_sub sub;
		enum history_sel sel;
		int nparams; /* with the subcommand */
	} subs[] = {
		{"LATEST", CH_LATEST, HSEL_LATEST, 4},   {"BEFORE", CH_BEFORE, HSEL_BEFORE, 4},
		{"AFTER", CH_AFTER, HSEL_AFTER, 4},      {"AROUND", CH_AROUND, HSEL_AROUND, 4},
		{"BETWEEN", CH_BETWEEN, HSEL_BETWEEN, 5}, {"TARGETS", CH_TARGETS, HSEL_BETWEEN, 4},
	};
	memset(out, 0, sizeof *out);
	if (nparams < 1)
		return "NEED_MORE_PARAMS";
	size_t i = 0;
	while (i < sizeof subs / sizeof *subs && strcasecmp(params[0], subs[i].name) != 0)
		i++;
	if (i == sizeof subs / sizeof *subs)
		return "UNKNOWN_COMMAND";
	if (nparams < subs[i].nparams)
		return "NEED_MORE_PARAMS";
	out->sub = subs[i].sub;
	out->q.sel = subs[i].sel;
	if (out->sub == CH_TARGETS) {
		bool ok = ref_parse(params[1], false, &out->q.a) && out->q.a.kind == HREF_TIME &&
			  ref_parse(params[2], false, &out->q.b) && out->q.b.kind == HREF_TIME &&
			  limit_parse(params[3], &out->q.limit);
		return ok ? NULL : "INVALID_PARAMS";
	}
	out->target = params[1];
	bool ok = ref_parse(params[2], out->sub == CH_LATEST, &out->q.a);
	if (ok && out->sub == CH_BETWEEN)
		ok = ref_parse(params[3], false, &out->q.b);
	ok = ok && limit_parse(params[subs[i].nparams - 1], &out->q.limit);
	return ok ? NULL : "INVALID_PARAMS";
}

/* FAIL CHATHISTORY code sub [target] :text */
static void chathistory_fail(struct session *s, const char *code, const char *sub,
			     const char *target, const char *text)
{
	const char *server = g_server.cfg.name;
	if (target)
		send_self(s, server, "FAIL", "CHATHISTORY", code, sub,
			  target, text, NULL);
	else
		send_self(s, server, "FAIL", "CHATHISTORY", code, sub, text,
			  NULL);
}

/* TARGETS: the rooms s is in with messages in the window, in a batch. */
static void chathistory_targets(struct session *s, const struct chathistory_request *r)
{
	struct chat_history_target *found = xcalloc(r->q.limit, sizeof *found);
	int n = chat_history_targets(s, r->q.a.unix_ms, r->q.b.unix_ms, found, r->q.limit);
	if (n < 0) {
		chathistory_fail(s, "MESSAGE_ERROR", "TARGETS", NULL,
				 "Messages could not be retrieved");
		free(found);
		return;
	}
	struct irc_batch batch;
	irc_batch_begin(s, &batch);
	irc_batch_send_start(s, &batch, "draft/chathistory-targets", NULL);
	char tags[IRC_BATCH_TAG_MAX];
	for (int i = 0; i < n; i++) {
		char when[40];
		ircmsg_time_tag(when, sizeof when, found[i].latest_ms);
		send_self_tagged(s, irc_batch_tags(&batch, NULL, tags, sizeof tags),
				 g_server.cfg.name, "CHATHISTORY", "TARGETS", found[i].room, when,
				 NULL);
	}
	irc_batch_send_end(s, &batch);
	free(found);
}

/* The refusal for a room's history that could not be read. */
static void chathistory_refused(struct session *s, enum chat_result r, const char *sub,
				const char *target)
{
	if (r == CHAT_HISTORY_UNKNOWN_MSGID)
		chathistory_fail(s, "INVALID_PARAMS", sub, target,
				 "No message with that msgid in this room's history");
	else if (r == CHAT_HISTORY_ERROR)
		chathistory_fail(s, "MESSAGE_ERROR", sub, target,
				 "Messages could not be retrieved");
	else
		chathistory_fail(s, "INVALID_TARGET", sub, target,
				 r == CHAT_NOT_ON_CHANNEL ? "You are not on that channel"
							  : "No such channel");
}

void cmd_chathistory(struct session *s, struct ircmsg *m)
{
	struct chathistory_request r;
	const char *code = chathistory_parse(m->nparams, m->params, &r);
	const char *sub = m->nparams ? m->params[0] : "*";
	if (code) {
		const char *text = strcmp(code, "UNKNOWN_COMMAND") == 0	    ? "Unknown command"
				   : strcmp(code, "NEED_MORE_PARAMS") == 0 ? "Missing parameters"
					: "Invalid parameters: references are msgid=ID or "
					  "timestamp=YYYY-MM-DDThh:mm:ss.sssZ, limits 1 and up";
		chathistory_fail(s, code, sub, NULL, text);
		return;
	}
	if (r.sub == CH_TARGETS) {
		chathistory_targets(s, &r);
		return;
	}
	struct history_page page = {0};
	if (r.target[0] != '#' && !ircname_nick_valid(r.target)) {
		chathistory_fail(s, "INVALID_TARGET", sub, r.target, "No such channel or nick");
		return;
	}
	/* A nick: the asker's conversation with that account (empty for a
	 * guest or a nick that is no account, chat_history.h). */
	enum chat_result res = chat_history_read(s, r.target, &r.q, false, &page);
	if (res != CHAT_OK) {
		chathistory_refused(s, res, sub, r.target);
		return;
	}
	reply_add_page(s, r.target, &page);
	reply_pump(s);
}

/* "timestamp=..." for a marker, or "*" for none. */
static void marker_text(long long unix_ms, char *buf, size_t cap)
{
	char when[40];
	if (unix_ms < 0 || ircmsg_time_tag(when, sizeof when, unix_ms) < 0)
		snprintf(buf, cap, "*");
	else
		snprintf(buf, cap, "timestamp=%s", when);
}

void irc_markread_joined(struct session *s, const char *room)
{
	if (!(atomic_load(&s->caps) & CAP_READ_MARKER))
		return;
	char text[64];
	struct readmarks *marks = session_extra_read(s)->readmarks;
	marker_text(marks ? readmark_get(marks, room) : -1, text, sizeof text);
	send_self(s, g_server.cfg.name, "MARKREAD", room, text, NULL);
}

void cmd_markread(struct session *s, struct ircmsg *m)
{
	const char *server = g_server.cfg.name;
	if (m->nparams < 1 || param_blank(m->params[0])) {
		send_self(s, server, "FAIL", "MARKREAD", "NEED_MORE_PARAMS", "Missing parameters",
			  NULL);
		return;
	}
	const char *target = m->params[0];
	if (!ircname_channel_valid(target) && !ircname_nick_valid(target)) {
		send_self(s, server, "FAIL", "MARKREAD", "INVALID_PARAMS", target,
			  "No such channel or nick", NULL);
		return;
	}
	long long unix_ms = -1;
	if (m->nparams >= 2) {
		if (strncmp(m->params[1], "timestamp=", 10) != 0 ||
		    ircmsg_time_parse(m->params[1] + 10, &unix_ms) < 0) {
			send_self(s, server, "FAIL", "MARKREAD", "INVALID_PARAMS", target,
				  "The time must be timestamp=YYYY-MM-DDThh:mm:ss.sssZ", NULL);
			return;
		}
		struct session_extra *x = session_extra(s);
		if (!x->readmarks)
			x->readmarks = xcalloc(1, sizeof *x->readmarks);
		unix_ms = readmark_set(x->readmarks, target, unix_ms);
	} else if (session_extra_read(s)->readmarks) {
		unix_ms = readmark_get(session_extra_read(s)->readmarks, target);
	}
	char text[64];
	marker_text(unix_ms, text, sizeof text);
	send_self(s, server, "MARKREAD", target, text, NULL);
}
