/* cmd_query: the welcome burst and the informational commands — LUSERS,
 * MOTD, WHO, WHOIS, USERHOST, ISON, VERSION, TIME. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "channel.h"
#include "commands.h"
#include "motd.h"
#include "registry.h"
#include "server.h"
#include "session.h"

#define SERVER_VERSION "parley-" PARLEY_VERSION
#define REPLY_TEXT_MAX 480

/* The ISUPPORT (005) tokens. */
static const char *const isupport_tokens[] = {
	"CASEMAPPING=rfc1459", "CHANTYPES=#", "CHANMODES=b,k,l,int", "PREFIX=(ov)@+",
	"NICKLEN=30", "CHANNELLEN=50", "TOPICLEN=390", "KICKLEN=300", "AWAYLEN=300",
	"MODES=3", "MAXTARGETS=4", "CHANLIMIT=#:50", "NETWORK=parley",
};

void welcome_send(struct session *s)
{
	char text[REPLY_TEXT_MAX], source[128];
	session_source(s, source, sizeof source);
	snprintf(text, sizeof text, "Welcome to the parley network, %s", source);
	reply(s, "001", text, NULL);
	snprintf(text, sizeof text, "Your host is %s, running version %s", g_server.cfg.name,
		 SERVER_VERSION);
	reply(s, "002", text, NULL);
	snprintf(text, sizeof text, "This server was created %s", g_server.created_text);
	reply(s, "003", text, NULL);
	reply(s, "004", g_server.cfg.name, SERVER_VERSION, "i", "biklnotv", "bklov", NULL);
	const char *const *t = isupport_tokens;
	reply(s, "005", t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7],
	      "are supported by this server", NULL);
	reply(s, "005", t[8], t[9], t[10], t[11], t[12], "are supported by this server", NULL);
	cmd_lusers(s, NULL);
	cmd_motd(s, NULL);
}

struct lusers_count {
	size_t users, invisible;
};

/* Counts registered users and invisible ones. */
static void lusers_one(struct session *s, void *arg)
{
	struct lusers_count *c = arg;
	if (!s->registered)
		return;
	c->users++;
	if (s->invisible)
		c->invisible++;
}

void cmd_lusers(struct session *s, struct ircmsg *m)
{
	(void)m;
	struct lusers_count c = {0};
	registry_rdlock();
	registry_each_nick(lusers_one, &c);
	size_t channels = registry_channel_count();
	registry_unlock();
	int connections = atomic_load(&g_server.sessions_alive);
	long unknown = (long)connections - (long)c.users;
	char text[REPLY_TEXT_MAX], n1[24], n2[24];
	snprintf(text, sizeof text, "There are %zu users and %zu invisible on 1 servers",
		 c.users - c.invisible, c.invisible);
	reply(s, "251", text, NULL);
	if (unknown > 0) {
		snprintf(n1, sizeof n1, "%ld", unknown);
		reply(s, "253", n1, "unknown connection(s)", NULL);
	}
	snprintf(n1, sizeof n1, "%zu", channels);
	reply(s, "254", n1, "channels formed", NULL);
	snprintf(text, sizeof text, "I have %zu clients and 0 servers", c.users);
	reply(s, "255", text, NULL);
	snprintf(n1, sizeof n1, "%zu", c.users);
	snprintf(n2, sizeof n2, "%d", g_server.cfg.max_clients);
	snprintf(text, sizeof text, "Current local users %zu, max %d", c.users,
		 g_server.cfg.max_clients);
	reply(s, "265", n1, n2, text, NULL);
	snprintf(text, sizeof text, "Current global users %zu, max %d", c.users,
		 g_server.cfg.max_clients);
	reply(s, "266", n1, n2, text, NULL);
}

void cmd_motd(struct session *s, struct ircmsg *m)
{
	(void)m;
	struct motd *current = motd_acquire(); /* SIGHUP may replace it meanwhile */
	if (!current) {
		reply(s, "422", "MOTD File is missing", NULL);
		return;
	}
	char text[REPLY_TEXT_MAX];
	snprintf(text, sizeof text, "- %s Message of the day - ", g_server.cfg.name);
	reply(s, "375", text, NULL);
	for (const char *p = motd_text(current); *p;) {
		size_t len = strcspn(p, "\r\n");
		snprintf(text, sizeof text, "- %.*s", (int)(len > 400 ? 400 : len), p);
		reply(s, "372", text, NULL);
		p += len;
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
	}
	motd_release(current);
	reply(s, "376", "End of /MOTD command.", NULL);
}

/* Sends one 352 line for WHO. Registry lock held. */
static void who_line(struct session *s, const char *channel, struct session *u, bool op,
		     bool voice)
{
	char flags[8], hops_real[REALNAME_LEN_MAX + 8];
	snprintf(flags, sizeof flags, "%c%s", u->away ? 'G' : 'H', op ? "@" : voice ? "+" : "");
	snprintf(hops_real, sizeof hops_real, "0 %s", u->realname ? u->realname : "");
	reply(s, "352", channel, u->user, u->host, g_server.cfg.name, u->nick, flags, hops_real,
	      NULL);
}

struct who_walk {
	struct session *s;
	const char *mask;
};

/* WHO by mask: one user, if visible and matching. */
static void who_one(struct session *u, void *arg)
{
	struct who_walk *w = arg;
	if (!u->registered || (u->invisible && u != w->s))
		return;
	if (ircname_mask_match(w->mask, u->nick) || ircname_mask_match(w->mask, u->host))
		who_line(w->s, "*", u, false, false);
}

void cmd_who(struct session *s, struct ircmsg *m)
{
	const char *mask = m->nparams > 0 ? m->params[0] : "*";
	registry_rdlock();
	struct channel *ch = mask[0] == '#' ? registry_find_channel(mask) : NULL;
	if (ch) {
		pthread_mutex_lock(&ch->lock);
		for (size_t i = 0; i < ch->nmembers; i++)
			who_line(s, ch->name, ch->members[i].session, ch->members[i].op,
				 ch->members[i].voice);
		pthread_mutex_unlock(&ch->lock);
	} else if (mask[0] != '#') {
		struct who_walk w = {.s = s, .mask = mask};
		registry_each_nick(who_one, &w);
	}
	registry_unlock();
	reply(s, "315", mask, "End of /WHO list", NULL);
}

/* Sends the WHOIS lines for one user. Registry lock held. */
static void whois_user(struct session *s, struct session *u)
{
	reply(s, "311", u->nick, u->user, u->host, "*", u->realname ? u->realname : "", NULL);
	char list[REPLY_TEXT_MAX];
	size_t len = 0;
	for (size_t i = 0; i < u->nchannels; i++) {
		struct channel *ch = u->channels[i];
		pthread_mutex_lock(&ch->lock);
		int mi = channel_member_index(ch, u);
		const char *prefix = mi >= 0 && ch->members[mi].op      ? "@"
				     : mi >= 0 && ch->members[mi].voice ? "+"
									: "";
		int n = snprintf(list + len, sizeof list - len, "%s%s%s", len ? " " : "", prefix,
				 ch->name);
		pthread_mutex_unlock(&ch->lock);
		if (n < 0 || (size_t)n >= sizeof list - len)
			break;
		len += (size_t)n;
	}
	if (len)
		reply(s, "319", u->nick, list, NULL);
	reply(s, "312", u->nick, g_server.cfg.name, "parley chat server", NULL);
	if (u->away)
		reply(s, "301", u->nick, u->away, NULL);
	char idle[24], signon[24];
	long long idle_ms = clock_mono_ms() - atomic_load(&u->last_message_mono_ms);
	snprintf(idle, sizeof idle, "%lld", idle_ms / 1000);
	snprintf(signon, sizeof signon, "%lld", u->connected_unix_ms / 1000);
	reply(s, "317", u->nick, idle, signon, "seconds idle, signon time", NULL);
}

void cmd_whois(struct session *s, struct ircmsg *m)
{
	/* "WHOIS server nick" names the server first; we are the only one. */
	const char *nicks = m->params[m->nparams > 1 ? 1 : 0];
	char work[IRC_LINE_MAX];
	snprintf(work, sizeof work, "%s", nicks);
	char *save;
	registry_rdlock();
	for (char *nick = strtok_r(work, ",", &save); nick; nick = strtok_r(NULL, ",", &save)) {
		struct session *u = registry_find_nick(nick);
		if (u && u->registered)
			whois_user(s, u);
		else
			reply(s, "401", nick, "No such nick/channel", NULL);
	}
	registry_unlock();
	reply(s, "318", nicks, "End of /WHOIS list", NULL);
}

void cmd_userhost(struct session *s, struct ircmsg *m)
{
	char list[REPLY_TEXT_MAX];
	size_t len = 0;
	registry_rdlock();
	for (int i = 0; i < m->nparams && i < 5; i++) {
		struct session *u = registry_find_nick(m->params[i]);
		if (!u || !u->registered)
			continue;
		int n = snprintf(list + len, sizeof list - len, "%s%s=%c%s@%s", len ? " " : "",
				 u->nick, u->away ? '-' : '+', u->user, u->host);
		if (n < 0 || (size_t)n >= sizeof list - len)
			break;
		len += (size_t)n;
	}
	registry_unlock();
	list[len] = '\0';
	reply(s, "302", list, NULL);
}

void cmd_ison(struct session *s, struct ircmsg *m)
{
	char list[REPLY_TEXT_MAX];
	size_t len = 0;
	registry_rdlock();
	for (int i = 0; i < m->nparams; i++) {
		char work[IRC_LINE_MAX];
		snprintf(work, sizeof work, "%s", m->params[i]);
		char *save;
		for (char *nick = strtok_r(work, " ", &save); nick;
		     nick = strtok_r(NULL, " ", &save)) {
			struct session *u = registry_find_nick(nick);
			if (!u || !u->registered)
				continue;
			int n = snprintf(list + len, sizeof list - len, "%s%s", len ? " " : "",
					 u->nick);
			if (n < 0 || (size_t)n >= sizeof list - len)
				break;
			len += (size_t)n;
		}
	}
	registry_unlock();
	list[len] = '\0';
	reply(s, "303", list, NULL);
}

void cmd_version(struct session *s, struct ircmsg *m)
{
	(void)m;
	reply(s, "351", SERVER_VERSION ".", g_server.cfg.name, "thread-per-connection", NULL);
}

void cmd_time(struct session *s, struct ircmsg *m)
{
	(void)m;
	char text[64];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(text, sizeof text, "%A %B %d %Y -- %H:%M:%S %z", &tm);
	reply(s, "391", g_server.cfg.name, text, NULL);
}
