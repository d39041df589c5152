/* global: see global.h. */
#include "global.h"

#include <pthread.h>
#include <string.h>

struct server g_server;

/* The connection password; a leaf lock, held only to copy it. */
static pthread_mutex_t password_lock = PTHREAD_MUTEX_INITIALIZER;
static char password[PASSWORD_MAX + 1]; /* guarded by password_lock; empty: none */

/* Stores one relaxed value; the acceptor is the only writer. */
#define LIVE_SET(field, value) \
	atomic_store_explicit(&g_server.live.field, (value), memory_order_relaxed)

void global_live_set(const struct config *cfg)
{
	LIVE_SET(max_clients, cfg->max_clients);
	LIVE_SET(max_per_ip, cfg->max_per_ip);
	LIVE_SET(max_channels, cfg->max_channels);
	LIVE_SET(max_channels_per_user, cfg->max_channels_per_user);
	LIVE_SET(announce_max, cfg->announce_max);
	LIVE_SET(flood_rate, cfg->flood_rate);
	LIVE_SET(flood_burst, cfg->flood_burst);
	LIVE_SET(flood, cfg->flood);
	LIVE_SET(sendq, cfg->sendq);
	LIVE_SET(history, cfg->history);
	LIVE_SET(reg_timeout, cfg->reg_timeout);
	LIVE_SET(ping_interval, cfg->ping_interval);
	pthread_mutex_lock(&password_lock);
	memcpy(password, cfg->password, sizeof password);
	pthread_mutex_unlock(&password_lock);
}

/* Copies the current password into buf (PASSWORD_MAX + 1 bytes). */
static void password_copy(char *buf)
{
	pthread_mutex_lock(&password_lock);
	memcpy(buf, password, PASSWORD_MAX + 1);
	pthread_mutex_unlock(&password_lock);
}

bool global_password_required(void)
{
	char buf[PASSWORD_MAX + 1];
	password_copy(buf);
	return buf[0] != '\0';
}

bool global_password_matches(const char *given)
{
	char buf[PASSWORD_MAX + 1];
	password_copy(buf);
	return buf[0] && strcmp(given, buf) == 0;
}

