/* irc_query: see irc_query.h. */
#include "irc_query.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "channel.h"
#include "clock.h"
#include "global.h"
#include "irc_reply.h"
#include "ircname.h"
#include "monitor.h"
#include "ircmsg.h"
#include "motd.h"
#include "registry.h"
#include "reply.h"
#include "session.h"
#include "whowas.h"

#define SERVER_VERSION "parley-" PARLEY_VERSION
#define REPLY_TEXT_MAX 480
#define WHOIS_TARGETS_MAX 4 /* MAXTARGETS= in ISUPPORT */

/* The ISUPPORT (005) tokens that do not depend on options. */
_Static_assert(MONITOR_MAX == 100, "MONITOR= below says the limit");
static const char *const isupport_tokens[] = {
	"CASEMAPPING=rfc1459", "CHANTYPES=#", "CHANMODES=beI,k,l,imnst", "PREFIX=(ov)@+",
	"NICKLEN=30", "CHANNELLEN=50", "TOPICLEN=390", "KICKLEN=300", "AWAYLEN=300",
	"MODES=3", "MAXTARGETS=4", "NETWORK=parley", "CHATHISTORY=1000",
	"MSGREFTYPES=msgid,timestamp", "WHOX", "MONITOR=100", "UTF8ONLY", "BOT=B", "EXCEPTS=e", "INVEX=I",
	"STATUSMSG=@+", "ELIST=CMNTU",
	/* Lists in one parameter: KICK, messages and WHOIS stop at 4 (407);
	 * JOIN is bounded by CHANLIMIT, PART by the rooms one is in, NAMES is
	 * streamed. */
	"TARGMAX=JOIN:,PART:,NAMES:,KICK:4,PRIVMSG:4,NOTICE:4,TAGMSG:4,WHOIS:4",
};

/* Whether the optional server parameter params[0] of m (TIME, VERSION, MOTD,
 * ADMIN, INFO) names this server: absent, our name or a mask matching it, or
 * the nick of someone online (whose server is this one). Otherwise says 402. */
static bool target_is_us(struct session *s, const struct ircmsg *m)
{
	if (!m || m->nparams < 1 || !m->params[0][0])
		return true;
	const char *target = m->params[0];
	if (ircname_mask_match(target, g_server.cfg.name))
		return true;
	registry_rdlock();
	bool online = registry_find_nick(target) != NULL;
	registry_unlock();
	if (!online)
		reply(s, "402", target, "No such server", NULL);
	return online;
}

void welcome_send(struct session *s)
{
	char text[REPLY_TEXT_MAX];
	snprintf(text, sizeof text, "Welcome to the parley network, %s", session_source(s).text);
	reply(s, "001", text, NULL);
	snprintf(text, sizeof text, "Your host is %s, running version %s", g_server.cfg.name,
		 SERVER_VERSION);
	reply(s, "002", text, NULL);
	snprintf(text, sizeof text, "This server was created %s", g_server.created_text);
	reply(s, "003", text, NULL);
	reply(s, "004", g_server.cfg.name, SERVER_VERSION, "Biow", "beIiklmnostv", "beIklov", NULL);
	const char *const *t = isupport_tokens;
	char chanlimit[32], maxlist[48];
	snprintf(chanlimit, sizeof chanlimit, "CHANLIMIT=#:%d", LIVE(max_channels_per_user));
	snprintf(maxlist, sizeof maxlist, "MAXLIST=b:%d,e:%d,I:%d", BANS_MAX, BANS_MAX, BANS_MAX);
	reply(s, "005", t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7],
	      "are supported by this server", NULL);
	reply(s, "005", t[8], t[9], t[10], chanlimit, maxlist, t[11], t[12], t[13], t[14],
	      "are supported by this server", NULL);
	reply(s, "005", t[15], t[16], t[17], t[18], t[19], t[20], t[21], t[22],
	      "are supported by this server", NULL);
	cmd_lusers(s, NULL);
	cmd_motd(s, NULL);
}

void cmd_lusers(struct session *s, struct ircmsg *m)
{
	(void)m;
	registry_rdlock();
	struct registry_census c = registry_census();
	size_t channels = registry_channel_count();
	registry_unlock();
	int connections = atomic_load(&g_server.sessions_alive);
	long unknown = (long)connections - (long)c.users;
	char text[REPLY_TEXT_MAX], n1[24], n2[24];
	snprintf(text, sizeof text, "There are %zu users and %zu invisible on 1 servers",
		 c.users - c.invisible, c.invisible);
	reply(s, "251", text, NULL);
	if (c.opers > 0) {
		snprintf(n1, sizeof n1, "%zu", c.opers);
		reply(s, "252", n1, "operator(s) online", NULL);
	}
	if (unknown > 0) {
		snprintf(n1, sizeof n1, "%ld", unknown);
		reply(s, "253", n1, "unknown connection(s)", NULL);
	}
	snprintf(n1, sizeof n1, "%zu", channels);
	reply(s, "254", n1, "channels formed", NULL);
	snprintf(text, sizeof text, "I have %zu clients and 0 servers", c.users);
	reply(s, "255", text, NULL);
	snprintf(n1, sizeof n1, "%zu", c.users);
	snprintf(n2, sizeof n2, "%zu", c.users_max);
	snprintf(text, sizeof text, "Current local users %zu, max %zu", c.users, c.users_max);
	reply(s, "265", n1, n2, text, NULL);
	snprintf(text, sizeof text, "Current global users %zu, max %zu", c.users, c.users_max);
	reply(s, "266", n1, n2, text, NULL);
}

void cmd_motd(struct session *s, struct ircmsg *m)
{
	if (!target_is_us(s, m))
		return;
	struct motd *current = motd_acquire(); /* SIGHUP may replace it meanwhile */
	if (!current) {
		reply(s, "422", "MOTD File is missing", NULL);
		return;
	}
	char text[REPLY_TEXT_MAX];
	snprintf(text, sizeof text, "- %s Message of the day - ", g_server.cfg.name);
	reply(s, "375", text, NULL);
	const char *p = motd_text(current), *line;
	size_t len;
	while (motd_line_next(&p, &line, &len)) {
		snprintf(text, sizeof text, "- %.*s", (int)(len > 400 ? 400 : len), line);
		reply(s, "372", text, NULL);
	}
	motd_release(current);
	reply(s, "376", "End of /MOTD command.", NULL);
}

void cmd_who(struct session *s, struct ircmsg *m)
{
	/* No mask, or an empty one: everyone visible. Streamed (reply.h).
	 * "WHO mask %fields[,token]" is WHOX (354 lines). */
	const char *whox = m->nparams > 1 && m->params[1][0] == '%' ? m->params[1] : NULL;
	reply_add_who(s, m->nparams > 0 && m->params[0][0] ? m->params[0] : "*", whox);
	reply_pump(s);
}

/* Sends u's rooms that s may see as 319 lines, as many as the rooms need:
 * each fits the 512-byte line with the longest nicks. Registry lock held. */
static void whois_channels(struct session *s, struct session *u)
{
	char list[REPLY_TEXT_MAX];
	/* ":server 319 me nick :" around the list, and CRLF */
	size_t room = 510 - strlen(g_server.cfg.name) - 2 * NICK_LEN_MAX - 10;
	if (room > sizeof list)
		room = sizeof list;
	size_t len = 0;
	struct channel **chs;
	size_t nchs = channels_of(u, &chs);
	for (size_t i = 0; i < nchs; i++) {
		struct channel *ch = chs[i];
		pthread_mutex_lock(&ch->lock);
		int mi = channel_member_index(ch, u);
		if (mi < 0 || !channel_visible_to(ch, s)) { /* left since, or secret (+s) */
			pthread_mutex_unlock(&ch->lock);
			continue;
		}
		const char *prefix = mi >= 0 && ch->members[mi].op      ? "@"
				     : mi >= 0 && ch->members[mi].voice ? "+"
									: "";
		char one[CHANNEL_LEN_MAX + 2];
		snprintf(one, sizeof one, "%s%s", prefix, ch->name);
		pthread_mutex_unlock(&ch->lock);
		size_t n = strlen(one);
		if (len && len + 1 + n >= room) { /* full: this line goes, a new one starts */
			reply(s, "319", u->nick, list, NULL);
			len = 0;
		}
		len += (size_t)snprintf(list + len, room - len, "%s%s", len ? " " : "", one);
	}
	channels_release(chs, nchs);
	if (len)
		reply(s, "319", u->nick, list, NULL);
}

/* Sends the WHOIS lines for one user. Registry lock held. */
static void whois_user(struct session *s, struct session *u)
{
	reply(s, "311", u->nick, u->user, u->host, "*", u->realname ? u->realname : "", NULL);
	whois_channels(s, u);
	reply(s, "312", u->nick, g_server.cfg.name, "parley chat server", NULL);
	if (u->oper)
		reply(s, "313", u->nick, "is an IRC operator", NULL);
	if (u->bot)
		reply(s, "335", u->nick, "is a bot", NULL);
	if (session_account(u)[0])
		reply(s, "330", u->nick, session_account(u), "is logged in as", NULL);
	if (transport_is_secure(&u->t))
		reply(s, "671", u->nick, "is using a secure connection", NULL);
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
	if (param_blank(nicks)) {
		reply(s, "431", "No nickname given", NULL);
		return;
	}
	char work[IRC_LINE_MAX];
	snprintf(work, sizeof work, "%s", nicks);
	char *save;
	int count = 0;
	registry_rdlock();
	for (char *nick = strtok_r(work, ",", &save); nick; nick = strtok_r(NULL, ",", &save)) {
		/* Not streamed: bounded by MAXTARGETS instead (one 407, then stop). */
		if (++count > WHOIS_TARGETS_MAX) {
			reply(s, "407", nick, "Too many targets; the rest were not looked up", NULL);
			break;
		}
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
	if (!target_is_us(s, m))
		return;
	reply(s, "351", SERVER_VERSION ".", g_server.cfg.name, "thread-per-connection", NULL);
}

void cmd_time(struct session *s, struct ircmsg *m)
{
	if (!target_is_us(s, m))
		return;
	char text[64];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(text, sizeof text, "%A %B %d %Y -- %H:%M:%S %z", &tm);
	reply(s, "391", g_server.cfg.name, text, NULL);
}

/* The 314 and 312 lines of one WHOWAS entry; the 312 says when they left. */
static void whowas_entry_send(struct session *s, const struct whowas_entry *e)
{
	reply(s, "314", e->nick, e->user, e->host, "*", e->realname, NULL);
	char when[64];
	time_t secs = (time_t)(e->left_unix_ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	strftime(when, sizeof when, "left %a %b %d %H:%M:%S %Y UTC", &tm);
	reply(s, "312", e->nick, g_server.cfg.name, when, NULL);
}

void cmd_whowas(struct session *s, struct ircmsg *m)
{
	/* count: positive is at most that many, anything else all we keep. */
	long count = m->nparams > 1 ? strtol(m->params[1], NULL, 10) : 0;
	size_t max = count > 0 && count < WHOWAS_PER_NICK_DEFAULT ? (size_t)count
								   : WHOWAS_PER_NICK_DEFAULT;
	char work[IRC_LINE_MAX];
	snprintf(work, sizeof work, "%s", m->params[0]);
	char *save;
	int targets = 0;
	for (char *nick = strtok_r(work, ",", &save); nick; nick = strtok_r(NULL, ",", &save)) {
		if (++targets > WHOIS_TARGETS_MAX) {
			reply(s, "407", nick, "Too many targets; the rest were not looked up", NULL);
			break;
		}
		struct whowas_entry found[WHOWAS_PER_NICK_DEFAULT];
		size_t n = whowas_global_find(nick, found, max);
		for (size_t i = 0; i < n; i++)
			whowas_entry_send(s, &found[i]);
		if (n == 0)
			reply(s, "406", nick, "There was no such nickname", NULL);
		reply(s, "369", nick, "End of WHOWAS", NULL);
	}
}

void cmd_info(struct session *s, struct ircmsg *m)
{
	if (!target_is_us(s, m))
		return;
	char text[REPLY_TEXT_MAX];
	snprintf(text, sizeof text, "%s, version %s", g_server.cfg.name, SERVER_VERSION);
	reply(s, "371", text, NULL);
	reply(s, "371", "parley: a chat server for IRC clients and plain-text terminals", NULL);
	reply(s, "371", "One thread per connection; history kept in SQLite", NULL);
	snprintf(text, sizeof text, "Started %s", g_server.created_text);
	reply(s, "371", text, NULL);
	reply(s, "374", "End of INFO list", NULL);
}

void cmd_links(struct session *s, struct ircmsg *m)
{
	(void)m;
	reply(s, "364", "*", g_server.cfg.name, "0 parley chat server", NULL);
	reply(s, "365", "*", "End of /LINKS list", NULL);
}

void cmd_admin(struct session *s, struct ircmsg *m)
{
	if (!target_is_us(s, m))
		return;
	reply(s, "256", g_server.cfg.name, "Administrative info", NULL);
	char text[REPLY_TEXT_MAX];
	snprintf(text, sizeof text, "%s: a parley chat server (%s)", g_server.cfg.name,
		 SERVER_VERSION);
	reply(s, "257", text, NULL);
	snprintf(text, sizeof text, "Started %s", g_server.created_text);
	reply(s, "258", text, NULL);
}
