/* event: a chat event — who, what, to which room or person, when — as the
 * chat core emits it and the delivery layer queues it, rendered lazily at
 * most once per kind of recipient (deliver.c picks which; the plain
 * rendering is plain_render.h's). */
#ifndef PARLEY_EVENT_H
#define PARLEY_EVENT_H

#include <stdbool.h>
#include <stddef.h>

#include "ircmsg.h"
#include "msgbuf.h"
#include "msgid.h"

struct session;

#define OUTMSG_PARAMS_MAX 8

/* Room for outgoing lines. The body (source, command, parameters, CR LF)
 * is a client's 512-byte line plus the source prefix the server puts in
 * front. IRCv3 message-tags adds a tag section: at most 510 bytes of tags
 * the server adds (msgid, time, label, batch) and the client-only tags a
 * client sent, at most 4094 bytes (ircmsg.h). Only a relayed message with
 * client-only tags can need the whole OUT_LINE_MAX, and it is rendered on
 * the heap (deliver.c); every other line fits OUT_SERVER_LINE_MAX, so the
 * common path keeps small stack buffers. */
#define OUT_BODY_MAX 1024
#define OUT_SERVER_TAGS_MAX (IRC_SERVER_TAGS_MAX + 2) /* '@', tags, ' ' */
#define OUT_SERVER_LINE_MAX (OUT_SERVER_TAGS_MAX + OUT_BODY_MAX)
#define OUT_LINE_MAX (OUT_SERVER_LINE_MAX + IRC_CLIENT_TAGS_MAX + 1)

/* Renderings for recipients whose caps make a line read differently
 * (account-tag, extended-join, a bot's tag): one per IRC kind (bare,
 * server-time, message-tags) x account tag x extended JOIN, shared by the
 * recipients alike (deliver.c). */
#define OUTMSG_VARIANTS 12
struct outmsg_variant {
	struct msgbuf *buf;
	int taken; /* reserved refs used */
};

struct outmsg {
	long long unix_ms;          /* when the server accepted it (server-time) */
	unsigned long long stamp;   /* unique id, so a recipient gets it once */
	char msgid[MSGID_LEN + 1];  /* IRCv3 msgid (message-tags clients see it) */
	const char *source;         /* "nick!user@host" or the server name */
	const char *command;
	int nparams;
	const char *params[OUTMSG_PARAMS_MAX];
	/* Client-only tags to relay ("+a=b;+c", escaped; irctags.h) to
	 * message-tags clients, or NULL; borrowed like params. */
	const char *client_tags;
	bool history;               /* a replayed line (tagged/marked as such) */
	/* The source's account ("" or NULL: none), for account-tag and
	 * extended-join recipients; borrowed. */
	const char *account;
	/* Sent by a bot (user mode +B): message-tags recipients see a bot tag. */
	bool bot;
	/* JOIN: the joiner's real name, for extended-join recipients; borrowed. */
	const char *realname;
	/* The one recipient this event is about when it reads it differently
	 * from the others (the person a KICK removes), or NULL. */
	const struct session *about;
	/* For a KICK: the room that person joined last among those left, or ""
	 * (where a plain user is now). Set with `about`. */
	const char *about_next_room;
	/* Renderings made so far: IRC, IRC with server-time, IRC with
	 * message-tags (msgid, time and the client-only tags), plain text as
	 * read in the room it concerns, plain text read from another room
	 * ("[#room] ", see plain_render.h). */
	struct msgbuf *irc, *irc_time, *irc_tags, *plain, *plain_other;
	int irc_taken, irc_time_taken, irc_tags_taken; /* reserved refs used */
	int plain_taken, plain_other_taken;
	struct outmsg_variant variants[OUTMSG_VARIANTS];
};

/* Prepares a message; params are borrowed until outmsg_release(). */
void outmsg_init(struct outmsg *m, const char *source, const char *command, int nparams,
		 const char *const *params);
void outmsg_release(struct outmsg *m);

#endif
