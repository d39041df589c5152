/* frontend: see frontend.h. */
#include "frontend.h"

#include "session.h"

const struct frontend *frontend_of(const struct session *s)
{
	return s->kind == SESSION_PLAIN ? &plain_frontend : &irc_frontend;
}
