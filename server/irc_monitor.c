/* irc_monitor: see irc_monitor.h. */
#include "irc_monitor.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "deliver.h"
#include "ircmsg.h"
#include "irc_reply.h"
#include "monitor.h"
#include "registry.h"
#include "session.h"

#define MONITOR_LIST_TEXT_MAX 400 /* bytes of targets per 730/731/732 line */
#define MONITOR_FULL_TEXT_MAX 300 /* bytes of refused targets shown in 734 */

/* A comma-separated list of targets being gathered for one numeric,
 * sent whenever the next one would not fit. */
struct target_line {
	const char *numeric;
	char text[MONITOR_LIST_TEXT_MAX + SESSION_SOURCE_MAX + 2];
	size_t len;
};

/* Sends what l holds (if anything) and empties it. */
static void line_flush(struct session *s, struct target_line *l)
{
	if (l->len)
		reply(s, l->numeric, l->text, NULL);
	l->len = 0;
	l->text[0] = '\0';
}

/* Adds one target to l, sending l first when it is full. */
static void line_add(struct session *s, struct target_line *l, const char *target)
{
	if (l->len && l->len + 1 + strlen(target) > MONITOR_LIST_TEXT_MAX)
		line_flush(s, l);
	int n = snprintf(l->text + l->len, sizeof l->text - l->len, "%s%s", l->len ? "," : "",
			 target);
	if (n > 0 && (size_t)n < sizeof l->text - l->len)
		l->len += (size_t)n;
}

/* Adds nick to online (as nick!user@host) or offline, by whether a
 * registered user holds it now. */
static void state_add(struct session *s, const char *nick, struct target_line *online,
		      struct target_line *offline)
{
	char source[SESSION_SOURCE_MAX];
	registry_rdlock();
	struct session *u = registry_find_nick(nick);
	bool on = u && u->registered;
	if (on)
		snprintf(source, sizeof source, "%s", session_source(u).text);
	registry_unlock();
	line_add(s, on ? online : offline, on ? source : nick);
}

/* MONITOR + targets: adds each, then tells the state of those added; past
 * MONITOR_MAX, 734 names the targets that were not added. */
static void monitor_plus(struct session *s, char *targets)
{
	struct target_line online = {.numeric = "730"}, offline = {.numeric = "731"};
	char *save;
	for (char *nick = strtok_r(targets, ",", &save); nick; nick = strtok_r(NULL, ",", &save)) {
		enum monitor_add_result r = monitor_add(s, nick);
		if (r == MONITOR_FULL) {
			char limit[16], rest[MONITOR_FULL_TEXT_MAX];
			snprintf(limit, sizeof limit, "%d", MONITOR_MAX);
			const char *more = strtok_r(NULL, "", &save);
			int n = snprintf(rest, sizeof rest, "%s%s%s", nick, more ? "," : "",
					 more ? more : "");
			char *comma = strrchr(rest, ',');
			if (n >= (int)sizeof rest && comma) /* cut whole targets only */
				*comma = '\0';
			line_flush(s, &online);
			line_flush(s, &offline);
			reply(s, "734", limit, param_printable(rest), "Monitor list is full.", NULL);
			return;
		}
		if (r == MONITOR_ADDED)
			state_add(s, nick, &online, &offline);
	}
	line_flush(s, &online);
	line_flush(s, &offline);
}

/* MONITOR - targets: removes each; no reply. */
static void monitor_minus(struct session *s, char *targets)
{
	char *save;
	for (char *nick = strtok_r(targets, ",", &save); nick; nick = strtok_r(NULL, ",", &save))
		monitor_remove(s, nick);
}

/* MONITOR L: 732 lines of the list, then 733. */
static void monitor_list(struct session *s)
{
	struct target_line l = {.numeric = "732"};
	const struct session_extra *x = session_extra_read(s);
	for (size_t i = 0; i < x->nmonitor; i++)
		line_add(s, &l, x->monitor_nicks[i]);
	line_flush(s, &l);
	reply(s, "733", "End of MONITOR list", NULL);
}

/* MONITOR S: 730/731 for every nick on the list. */
static void monitor_status(struct session *s)
{
	struct target_line online = {.numeric = "730"}, offline = {.numeric = "731"};
	const struct session_extra *x = session_extra_read(s);
	for (size_t i = 0; i < x->nmonitor; i++)
		state_add(s, x->monitor_nicks[i], &online, &offline);
	line_flush(s, &online);
	line_flush(s, &offline);
}

void cmd_monitor(struct session *s, struct ircmsg *m)
{
	const char *op = m->params[0];
	bool edit = strcmp(op, "+") == 0 || strcmp(op, "-") == 0;
	if (edit && (m->nparams < 2 || param_blank(m->params[1]))) {
		reply(s, "461", "MONITOR", "Not enough parameters", NULL);
		return;
	}
	if (strcmp(op, "+") == 0)
		monitor_plus(s, m->params[1]);
	else if (strcmp(op, "-") == 0)
		monitor_minus(s, m->params[1]);
	else if (strcasecmp(op, "C") == 0)
		monitor_clear(s);
	else if (strcasecmp(op, "L") == 0)
		monitor_list(s);
	else if (strcasecmp(op, "S") == 0)
		monitor_status(s);
	else
		reply(s, "461", "MONITOR", "Unknown MONITOR subcommand (use + - C L S)", NULL);
}
