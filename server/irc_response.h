/* irc_response: IRCv3 labeled-response. A command that a client which
 * negotiated labeled-response and batch sends with "@label=x" gets its
 * whole response labeled:
 *
 *   no line       "@label=x :server ACK"
 *   one line      that line, with label=x first among its tags
 *   more lines    "@label=x :server BATCH +ref labeled-response", the lines
 *                 tagged batch=ref (a line already in a batch of its own,
 *                 such as the join replay, keeps it: that batch's BATCH
 *                 lines carry ref), then ":server BATCH -ref"
 *
 * The response is every line the command queues for its own client —
 * replies, its own JOIN/PART/NICK/TOPIC/MODE lines, the echo of its message
 * (echo-message), and the reply it streams (reply.h: LIST, WHO, NAMES, the
 * join replay), which may end long after the command returned. The lines
 * are caught where they are queued (deliver.h: own lines), so they keep
 * their place in the queue and in their rooms' order: the first one is held
 * in place (msgbuf.held) until a second one shows that a batch is needed or
 * the response ends. A held line lives only while the command runs or its
 * reply streams, and a streamed reply goes on as the socket drains, so
 * nothing waits on it for long. See docs/protocol.md.
 *
 * A label is at most IRC_LABEL_MAX bytes (the spec's limit); an empty,
 * longer or unnegotiated one is ignored, never echoed. Lines the server
 * queues on its own meanwhile (a PING while a reply streams) are not part
 * of the response.
 *
 * Worker thread of the session only. */
#ifndef PARLEY_IRC_RESPONSE_H
#define PARLEY_IRC_RESPONSE_H

#include <stdbool.h>

struct session;

#define IRC_LABEL_MAX 64

/* Before a parsed line is dispatched: if s may label and the tag section
 * (without '@', or NULL) holds a valid label, starts its response. Returns
 * true if it did. */
bool irc_response_begin(struct session *s, const char *tags);

/* After the command's handler returned: ends the response now, or, when its
 * reply still streams, once the stream is done. */
void irc_response_command_done(struct session *s);

#endif
