/* narrate: see narrate.h. */
#include "narrate.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "session.h"

void narrate_read(const struct session *s, const char *data, size_t n)
{
	size_t lines = 0;
	for (const char *p = data, *end = data + n; (p = memchr(p, '\n', (size_t)(end - p)));
	     p++)
		lines++;
	log_trace("worker thread %lu read %zu bytes from fd %d: %zu line%s%s", s->id, n,
		  s->fd, lines, lines == 1 ? "" : "s",
		  data[n - 1] == '\n' ? "" : " and part of the next");
}

void narrate_fanout(const struct session *s, const struct narrate_fanout *f)
{
	/* "fd 2147483647, " at most NARRATE_FANOUT_FDS times, then "..." */
	char fds[NARRATE_FANOUT_FDS * 16 + 8] = "";
	size_t used = 0;
	size_t shown = f->count < NARRATE_FANOUT_FDS ? f->count : NARRATE_FANOUT_FDS;
	for (size_t i = 0; i < shown; i++)
		used += (size_t)snprintf(fds + used, sizeof fds - used, "%sfd %d",
					 i ? ", " : "", f->fds[i]);
	if (f->count > shown)
		snprintf(fds + used, sizeof fds - used, ", ...");
	log_trace("worker thread %lu queued the line to %zu socket%s%s%s%s", s->id, f->count,
		  f->count == 1 ? "" : "s", f->count ? " (" : "", fds, f->count ? ")" : "");
}

void narrate_close_start(const struct session *s, enum narrate_close how)
{
	switch (how) {
	case NARRATE_CLIENT_FIRST:
		log_trace("fd %d: the client closed first (read() returned 0: its FIN came); "
			  "ss shows our side in CLOSE-WAIT until we close(), the client's in "
			  "FIN-WAIT-2 and then TIME-WAIT (the side that closes first keeps it)",
			  s->fd);
		break;
	case NARRATE_FAILED:
		log_trace("fd %d: the connection failed (%s); no FIN exchange, so neither "
			  "side goes through CLOSE-WAIT or TIME-WAIT",
			  s->fd, session_extra_read(s)->quit_reason);
		break;
	case NARRATE_SERVER_FIRST:
		log_trace("fd %d: the server closes first (%s): shutdown(SHUT_WR) sends our "
			  "FIN; ss shows our side in FIN-WAIT-2 and the client's in CLOSE-WAIT "
			  "until the client closes (nc without -N sits there)",
			  s->fd, session_extra_read(s)->quit_reason);
		break;
	}
}

void narrate_linger_end(const struct session *s, bool client_closed)
{
	if (client_closed)
		log_trace("fd %d: the client closed too; after our close() our side keeps "
			  "TIME-WAIT for a minute (the side that closed first does), the "
			  "client's is gone",
			  s->fd);
	else
		log_trace("fd %d: the client had not closed within a second; close() resets "
			  "it (RST) once it has acknowledged everything, so no TIME-WAIT",
			  s->fd);
}
