/* event: a chat event — who, what, to which room or person, when — as the
 * chat core emits it and the delivery layer queues it, rendered lazily at
 * most once per kind of recipient (deliver.c picks which; the plain
 * rendering is plain_render.h's). */
#ifndef PARLEY_EVENT_H
#define PARLEY_EVENT_H

#include <stdbool.h>
#include <stddef.h>

#include "msgbuf.h"
#include "msgid.h"

struct session;

#define OUTMSG_PARAMS_MAX 8

/* Room for one outgoing line: a 512-byte IRC line plus the source prefix and
 * the server-time tag the server adds to what a client sent. */
#define OUT_LINE_MAX 1024

struct outmsg {
	long long unix_ms;          /* when the server accepted it (server-time) */
	unsigned long long stamp;   /* unique id, so a recipient gets it once */
	char msgid[MSGID_LEN + 1];  /* IRCv3 msgid (message-tags clients see it) */
	const char *source;         /* "nick!user@host" or the server name */
	const char *command;
	int nparams;
	const char *params[OUTMSG_PARAMS_MAX];
	bool history;               /* a replayed line (tagged/marked as such) */
	/* The one recipient this event is about when it reads it differently
	 * from the others (the person a KICK removes), or NULL. */
	const struct session *about;
	/* For a KICK: the room that person joined last among those left, or ""
	 * (where a plain user is now). Set with `about`. */
	const char *about_next_room;
	/* Renderings made so far: IRC, IRC with server-time, plain text as
	 * read in the room it concerns, plain text read from another room
	 * ("[#room] ", see plain_render.h). */
	struct msgbuf *irc, *irc_time, *plain, *plain_other;
	int irc_taken, irc_time_taken, plain_taken, plain_other_taken; /* reserved refs used */
};

/* Prepares a message; params are borrowed until outmsg_release(). */
void outmsg_init(struct outmsg *m, const char *source, const char *command, int nparams,
		 const char *const *params);
void outmsg_release(struct outmsg *m);

#endif
