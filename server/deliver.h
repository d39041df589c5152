/* deliver: putting messages on outbound queues without blocking the sender.
 *
 * A broadcast is one struct outmsg, rendered lazily at most once per kind of
 * recipient (IRC, IRC with server-time tag, plain text in the room's own
 * view, plain text seen from another room) into shared msgbufs; each
 * recipient's queue takes a reference. Which plain rendering a recipient
 * gets depends on its current room (session.h: plain_room), read under its
 * q_lock when the message is queued; a plain user a KICK removes gets a
 * line of its own, which also moves its current room (plain.h). Queueing happens under whatever
 * lock decides the order (a channel's lock); the socket writes happen later,
 * after the caller has dropped its locks, through deliver_flush() and
 * flushq — whichever thread holds a recipient's queue lock writes that queue.
 *
 * A recipient whose queue would pass the SendQ limit is marked, gets nothing
 * more, and its worker disconnects it ("SendQ exceeded"). */
#ifndef PARLEY_DELIVER_H
#define PARLEY_DELIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "event.h"
#include "msgbuf.h"

struct session;

/* Queues m for recipient to, at most once per stamp, and notes `to` in
 * sender's flush list if its queue needs writing. Caller holds the lock that
 * orders this message (and may hold the registry and channel locks). */
void deliver_queue(struct session *sender, struct session *to, struct outmsg *m);

/* Queues one ready-made line (with CR LF) for `to`. Same rules. */
void deliver_queue_line(struct session *sender, struct session *to, const char *line,
			size_t len);

/* Queues buf (whole IRC lines, shared: the queue takes its own reference)
 * for `to`, as deliver_queue_line does with a line. */
void deliver_queue_buf(struct session *sender, struct session *to, struct msgbuf *buf);

/* Queues a chunk of s's own streamed reply (reply.h) on s's queue, handing
 * over the caller's reference. Marked sendq_exempt and never refused for
 * SendQ: the streamer bounds what it queues. */
void deliver_queue_reply(struct session *s, struct msgbuf *buf);

/* Bytes waiting in s's queue (any kind). Takes q_lock. */
size_t deliver_queued_bytes(struct session *s);

/* Gets every queue noted by deliver_queue() written: the sender's own now,
 * the others through flushq (a turn of them by this thread if a writer slot
 * is free). Call with no locks held. */
void deliver_flush(struct session *sender);

/* --- a session's own lines, taken by its front-end ---
 *
 * IRCv3 labeled-response tags the whole response to one command: every line
 * the command (and the reply it streams, reply.h) queues for its own client.
 * Those lines come from everywhere — replies, the client's own JOIN or NICK
 * line queued under a room's lock, the echo of its message (echo-message),
 * streamed chunks — so they are caught here, where all of them pass: while
 * s->own is set and taking, a line s's worker queues for s itself goes to
 * own->take() instead of the queue, and the front-end (irc_response.h)
 * queues it, tagged, with deliver_own_push() (struct own_lines is in
 * session.h). A PRIVMSG, NOTICE or TAGMSG s sent to itself without
 * echo-message is a delivery, not a response, and is queued as usual.
 * Worker only: nobody else queues lines from s to s. */

/* Puts buf on s's own queue, handing over the caller's reference; SendQ
 * applies unless buf->sendq_exempt. A buffer with `held` set stops the
 * queue's writers there (outq.h) until deliver_own_replace() swaps it, so a
 * line can keep its place in the queue while its final form is not known
 * yet. False if the queue refused it (closing, SendQ): buf was dropped. */
bool deliver_own_push(struct session *s, struct msgbuf *buf);

/* Swaps the held buffer `held` on s's queue for buf (handing over the
 * caller's reference to buf; the queue's reference to `held` is dropped).
 * If held is not queued any more (the connection closed), buf is dropped. */
void deliver_own_replace(struct session *s, struct msgbuf *held, struct msgbuf *buf);

/* Formats an IRC line with CR LF, writing the last parameter as ":text" when
 * the command's convention wants it. Returns the length or -1. */
int deliver_format(char *buf, size_t cap, const char *tags, const char *source,
		   const char *command, int nparams, const char *const *params);

/* A client's word echoed back in a reply (a nick, a channel name, a mask)
 * may be empty, hold spaces or start with ':' when it came as a trailing
 * parameter; none of those can be written as a middle parameter, so such a
 * word is shown as "*" and the reply still goes out. Returns p or "*". */
const char *param_printable(const char *p);

/* The server-time tag value "time=..." for unix_ms into buf. */
void deliver_time_tag(long long unix_ms, char *buf, size_t cap);

#endif
