/* frontend: see frontend.h. */
#include "frontend.h"

#include "session.h"

const struct frontend *frontend_of(const struct session *s)
{
	return s->kind == SESSION_PLAIN ? &plain_frontend : &irc_frontend;
}

void frontend_line_too_long(struct session *s)
{
	frontend_of(s)->line_too_long(s);
}

void frontend_goodbye(struct session *s, const char *text)
{
	frontend_of(s)->goodbye(s, text);
}
