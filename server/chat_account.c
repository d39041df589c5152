/* chat_account: a connection's account (chat.h: chat_account_set,
 * chat_auth_allowed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "endpoint.h"
#include "global.h"
#include "registry.h"
#include "session.h"

void chat_account_set(struct session *s, const char *account)
{
	struct session_extra *x = session_extra(s); /* made outside the lock */
	registry_wrlock();
	snprintf(x->account, sizeof x->account, "%s", account);
	registry_unlock();
	if (s->registered)
		chat_account_notify(s); /* before registration nobody shares a room */
	chat_ops_account_changed(s); /* rooms that remember the account make s op */
}

/* Test knob: loopback does not count as a safe path, so tests on loopback
 * can see a password refused (set before the server starts). */
static bool loopback_counts(void)
{
	const char *v = getenv("PARLEYD_TEST_NO_LOOPBACK_AUTH");
	return !(v && strcmp(v, "1") == 0);
}

bool chat_auth_allowed(const struct session *s)
{
	if (g_server.cfg.allow_plaintext_auth || transport_is_secure(&s->t))
		return true;
	return endpoint_host_is_loopback(s->host) && loopback_counts();
}
