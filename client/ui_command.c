/* ui_command: the user's commands, carried out. */
#include "ui_command.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "endpoint.h"
#include "multiline.h"
#include "outbuf.h"
#include "ui_window.h"
#include "utf8.h"
#include "xalloc.h"

#define UI_MSG_CHUNK 400 /* bytes of text per PRIVMSG (room for prefix) */

/* Shows a line of our own in the current window. */
void ui_note(struct ui *ui, enum state_line_kind kind, const char *text)
{
	state_note(ui->st, state_current(ui->st), kind, text, clock_unix_ms());
}

/* printf-style ui_note. */
__attribute__((format(printf, 3, 4))) void ui_notef(struct ui *ui, enum state_line_kind kind,
                                                    const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ui_note(ui, kind, text);
}

/* Tells the user why what was queued (one line, or what: a batch of
 * nlines lines) did not go; true when it went. */
static bool ui_sent(struct ui *ui, enum net_send_result rc, const char *what, size_t nlines)
{
	struct net_status ns;
	switch (rc) {
	case NET_SEND_OK:
		return true;
	case NET_SEND_NOT_CONNECTED:
		ui_note(ui, LINE_ERROR, "Not connected: nothing was sent");
		break;
	case NET_SEND_FULL:
		ui->send_full = true;
		net_status(ui->net, &ns);
		if (what)
			ui_notef(ui, LINE_ERROR,
			         "Not sent: the %s (%zu IRC lines) does not fit beside the %zu lines "
			         "waiting for the server (at most %d lines, %d KiB); nothing of it was "
			         "sent",
			         what, nlines, ns.waiting, OUTBUF_LINES_MAX, OUTBUF_BYTES_MAX / 1024);
		else
			ui_notef(ui, LINE_ERROR,
			         "Not sent: %zu lines are already waiting for the server, which is not "
			         "reading them",
			         ns.waiting);
		break;
	case NET_SEND_INVALID:
	case NET_SEND_DROPPED:
		if (what)
			ui_notef(ui, LINE_ERROR, "Not sent: a line of the %s is too long", what);
		else
			ui_note(ui, LINE_ERROR, "Not sent: too long, or it has a line break");
		break;
	}
	return false;
}

/* Queues one line for the network thread (never waits on the network);
 * tells the user when it could not go. */
static bool ui_send(struct ui *ui, const char *line)
{
	return ui_sent(ui, net_send(ui->net, line), NULL, 1);
}

/* printf-style ui_send. */
__attribute__((format(printf, 2, 3))) static bool ui_sendf(struct ui *ui, const char *fmt, ...)
{
	char line[IRC_LINE_MAX * 2];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		ui_note(ui, LINE_ERROR, "Too long: nothing was sent");
		return false;
	}
	return ui_send(ui, line);
}

/* "BATCH -ref", malloc'd. */
static char *ui_batch_end(const char *ref)
{
	char line[64];
	snprintf(line, sizeof(line), "BATCH -%s", ref);
	return xstrdup(line);
}

/* The current window's target (channel or nick), or NULL for the server window. */
static const char *ui_target(struct ui *ui)
{
	size_t cur = state_current(ui->st);
	if (state_window_kind(ui->st, cur) == WIN_SERVER)
		return NULL;
	return state_window_name(ui->st, cur);
}

static bool ui_say_block_to(struct ui *ui, const char *target, const char *const *lines,
                            size_t n, const char *what);

/* Sends text to target in pieces that fit an IRC line, cutting at UTF-8
 * boundaries, and shows each piece. A message longer than one piece goes
 * as one draft/multiline message of concatenated pieces when the server
 * takes them, so that receivers see it whole, as it was typed. */
static void ui_say(struct ui *ui, const char *target, const char *text, enum state_line_kind kind)
{
	size_t len = strlen(text);
	if (!utf8_valid(text, len))
		return;
	if (kind == LINE_MESSAGE && len > UI_MSG_CHUNK &&
	    ui_say_block_to(ui, target, &text, 1, "message"))
		return;
	do {
		size_t n = len > UI_MSG_CHUNK ? utf8_cut(text, len, UI_MSG_CHUNK) : len;
		char piece[UI_MSG_CHUNK + 1];
		memcpy(piece, text, n);
		piece[n] = '\0';
		bool ok = kind == LINE_ACTION
		              ? ui_sendf(ui, "PRIVMSG %s :\001ACTION %s\001", target, piece)
		              : ui_sendf(ui, "PRIVMSG %s :%s", target, piece);
		if (!ok)
			return;
		state_own_message(ui->st, target, kind, piece, clock_unix_ms());
		text += n;
		len -= n;
	} while (len > 0);
}

/* Shows the batches sent (pieces p[0..np)) as our own blocks, one a batch,
 * concatenated pieces joined, as the receivers see them. */
static void ui_show_blocks(struct ui *ui, const char *target, const struct multiline_piece *p,
                           size_t np)
{
	struct multiline_msg m = {0};
	for (size_t i = 0; i <= np; i++) {
		if ((i == np || p[i].opens) && m.n > 0) {
			state_own_block(ui->st, target, (const char *const *)m.lines, m.n,
			                clock_unix_ms());
			multiline_msg_free(&m);
		}
		if (i == np)
			break;
		char *text = xstrndup(p[i].text, p[i].len);
		multiline_msg_add(&m, text, p[i].concat);
		free(text);
	}
	multiline_msg_free(&m);
}

/* The IRC lines of the batches for pieces p[0..np) to target (malloc'd
 * array of malloc'd lines; *n of them), or NULL when one would be too long. */
static char **ui_batch_lines(struct ui *ui, const char *target, const struct multiline_piece *p,
                             size_t np, size_t *n)
{
	size_t cap = np * 3, k = 0;
	char **out = xcalloc(cap, sizeof(*out));
	char ref[16] = "";
	char line[OUTBUF_LINE_MAX];
	bool ok = true;
	for (size_t i = 0; i < np && ok; i++) {
		int len;
		if (p[i].opens) {
			if (*ref)
				out[k++] = ui_batch_end(ref);
			snprintf(ref, sizeof(ref), "ml%u", ++ui->batch_seq);
			snprintf(line, sizeof(line), "BATCH +%s draft/multiline %s", ref, target);
			out[k++] = xstrdup(line);
		}
		len = snprintf(line, sizeof(line), "@batch=%s%s PRIVMSG %s :%.*s", ref,
		               p[i].concat ? ";draft/multiline-concat" : "", target, (int)p[i].len,
		               p[i].text);
		ok = len > 0 && (size_t)len < sizeof(line);
		out[k++] = xstrdup(line);
	}
	if (*ref)
		out[k++] = ui_batch_end(ref);
	*n = k;
	if (ok)
		return out;
	for (size_t i = 0; i < k; i++)
		free(out[i]);
	free(out);
	return NULL;
}

bool ui_can_say(struct ui *ui)
{
	return ui_target(ui) != NULL;
}

bool ui_say_block(struct ui *ui, const char *const *lines, size_t n)
{
	const char *target = ui_target(ui);
	return target && ui_say_block_to(ui, target, lines, n, "paste");
}

/* Sends lines to target as draft/multiline batches (what: "paste" or
 * "message", for the notes); false, with nothing sent, when the server
 * does not take them. */
static bool ui_say_block_to(struct ui *ui, const char *target, const char *const *lines,
                            size_t n, const char *what)
{
	struct multiline_limits lim;
	if (!state_multiline_limits(ui->st, &lim))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!utf8_valid(lines[i], strlen(lines[i])))
			return false;
	size_t np, nl;
	struct multiline_piece *p = multiline_split(lines, n, &lim, UI_MSG_CHUNK, &np);
	if (!p)
		return true; /* blank lines only: nothing to say */
	char **out = ui_batch_lines(ui, target, p, np, &nl);
	if (!out) {
		ui_notef(ui, LINE_ERROR, "Not sent: the %s has a line too long for the server", what);
		free(p);
		return true;
	}
	if (ui_sent(ui, net_send_all(ui->net, (const char *const *)out, nl), what, nl))
		ui_show_blocks(ui, target, p, np);
	for (size_t i = 0; i < nl; i++)
		free(out[i]);
	free(out);
	free(p);
	return true;
}

/* /help [command]: the table, one line each. */
void ui_help(struct ui *ui, const char *name)
{
	if (*name) {
		const struct command_info *ci = command_find(name);
		if (!ci)
			ui_notef(ui, LINE_ERROR, "No such command: /%s", name);
		else
			ui_notef(ui, LINE_INFO, "%s - %s", ci->usage, ci->help);
		return;
	}
	ui_note(ui, LINE_INFO, "Commands (Tab completes them; text without / is a message):");
	for (size_t i = 0; i < command_count; i++)
		ui_notef(ui, LINE_INFO, "  %-28s %s", command_table[i].usage,
		         command_table[i].help);
	ui_note(ui, LINE_INFO,
	        "Keys: Alt-1..9 / Ctrl-N / Ctrl-P windows, PgUp/PgDn scroll, F2 nick list, "
	        "Tab complete, Ctrl-C quit");
}

/* /close: parts a room and closes its window, or closes a query. */
static void ui_close(struct ui *ui)
{
	size_t cur = state_current(ui->st);
	switch (state_window_kind(ui->st, cur)) {
	case WIN_SERVER:
		ui_note(ui, LINE_ERROR, "The server window cannot be closed (/quit leaves)");
		return;
	case WIN_CHANNEL:
		if (state_window_joined(ui->st, cur))
			ui_sendf(ui, "PART %s", state_window_name(ui->st, cur));
		break;
	case WIN_QUERY:
		break;
	}
	state_window_close(ui->st, cur);
}

/* /conn: both endpoints of our own TCP connection. */
static void ui_conn(struct ui *ui)
{
	char local[ENDPOINT_STR_MAX], remote[ENDPOINT_STR_MAX];
	if (net_endpoints(ui->net, local, remote, sizeof(local)) < 0)
		ui_note(ui, LINE_ERROR, "Not connected");
	else
		ui_notef(ui, LINE_INFO, "Your connection: you are %s, the server is %s.", local,
		         remote);
}

/* The current room for commands that default to it, or NULL (and a note). */
static const char *ui_room_or_arg(struct ui *ui, const char *arg)
{
	if (*arg)
		return arg;
	size_t cur = state_current(ui->st);
	if (state_window_kind(ui->st, cur) == WIN_CHANNEL)
		return state_window_name(ui->st, cur);
	ui_note(ui, LINE_ERROR, "Not in a room: name one");
	return NULL;
}

/* /join: sends JOIN, unless it names one room we are in already, and makes
 * the first room named current: at once when its window is open (the server
 * says nothing to a JOIN of a room we are in), else when the window opens. */
static void ui_join(struct ui *ui, const struct user_command *c)
{
	char first[IRC_LINE_MAX];
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(c->arg, ","), c->arg);
	int idx = state_window_find(ui->st, first);
	if (idx >= 0 && state_window_kind(ui->st, (size_t)idx) != WIN_CHANNEL)
		idx = -1;
	bool in_it = idx >= 0 && state_window_joined(ui->st, (size_t)idx);
	if (!in_it || strchr(c->arg, ',')) {
		bool sent = *c->rest ? ui_sendf(ui, "JOIN %s %s", c->arg, c->rest)
		                     : ui_sendf(ui, "JOIN %s", c->arg);
		if (!sent)
			return;
	}
	if (idx >= 0) {
		ui_switch(ui, (size_t)idx);
		ui->want_window[0] = '\0';
	} else {
		snprintf(ui->want_window, sizeof(ui->want_window), "%s", first);
	}
}

/* /login and /register: the password goes to the network thread, which
 * refuses to send it in clear text over a network. */
static void ui_account(struct ui *ui, const struct user_command *c)
{
	enum net_auth_result rc = c->kind == CMD_LOGIN
	                              ? net_login(ui->net, state_nick(ui->st), c->rest)
	                              : net_register_account(ui->net, c->rest);
	switch (rc) {
	case NET_AUTH_SENT:
		ui_notef(ui, LINE_INFO, c->kind == CMD_LOGIN ? "Logging in as %s ..."
		                                             : "Registering the account %s ...",
		         state_nick(ui->st));
		break;
	case NET_AUTH_NOT_CONNECTED:
		ui_note(ui, LINE_ERROR, "Not connected");
		break;
	case NET_AUTH_INSECURE:
		ui_note(ui, LINE_ERROR,
		        "Not sending a password in clear text over the network: connect with --tls "
		        "(or start parley with --allow-plaintext-auth); nothing was sent");
		break;
	case NET_AUTH_INVALID:
		ui_note(ui, LINE_ERROR, "A password is 1 to 256 bytes on one line");
		break;
	case NET_AUTH_FULL:
		ui_note(ui, LINE_ERROR, "The server is not reading: nothing was sent");
		break;
	}
}

/* /setname TEXT: sent only with a text and when the server ACKed setname
 * (before registration the capability is not known yet: the server's
 * answer says). */
static void ui_setname(struct ui *ui, const char *text)
{
	if (!*text)
		ui_note(ui, LINE_ERROR, "A real name cannot be empty: /setname TEXT");
	else if (state_registered(ui->st) && !state_has_setname(ui->st))
		ui_note(ui, LINE_ERROR, "This server does not offer setname: your real name cannot "
		                        "be changed while connected");
	else
		ui_sendf(ui, "SETNAME :%s", text);
}

/* Runs the commands that only need a line sent. */
static void ui_command_simple(struct ui *ui, const struct user_command *c)
{
	const char *room;
	switch (c->kind) {
	case CMD_NAMES:
		if ((room = ui_room_or_arg(ui, c->arg)) != NULL)
			ui_sendf(ui, "NAMES %s", room);
		break;
	case CMD_WHO:
		if ((room = ui_room_or_arg(ui, c->arg)) != NULL)
			ui_sendf(ui, "WHO %s", room);
		break;
	case CMD_WHOIS:
		ui_sendf(ui, "WHOIS %s", c->arg);
		break;
	case CMD_AWAY:
		if (*c->rest)
			ui_sendf(ui, "AWAY :%s", c->rest);
		else
			ui_sendf(ui, "AWAY");
		break;
	case CMD_NICK:
		ui_sendf(ui, "NICK %s", c->arg);
		if (!state_registered(ui->st))
			net_set_nick(ui->net, c->arg);
		break;
	case CMD_TOPIC:
		if ((room = ui_room_or_arg(ui, "")) == NULL)
			break;
		if (*c->rest)
			ui_sendf(ui, "TOPIC %s :%s", room, c->rest);
		else
			ui_sendf(ui, "TOPIC %s", room);
		break;
	case CMD_QUOTE:
		ui_send(ui, c->rest);
		break;
	case CMD_SETNAME:
		ui_setname(ui, c->rest);
		break;
	default:
		break;
	}
}

/* Runs the commands about windows; false when c is none of them. */
static bool ui_command_window(struct ui *ui, const struct user_command *c)
{
	int idx = -1;
	switch (c->kind) {
	case CMD_QUERY:
		if (state_is_channel(ui->st, c->arg))
			ui_note(ui, LINE_ERROR, "/query takes a nick; /join a room");
		else if ((idx = state_window_open(ui->st, WIN_QUERY, c->arg)) < 0)
			ui_notef(ui, LINE_ERROR, "Too many windows (%d): /close some first",
			         STATE_WINDOWS_MAX);
		if (idx < 0)
			return true;
		ui_switch(ui, (size_t)idx);
		if (*c->rest)
			ui_say(ui, c->arg, c->rest, LINE_MESSAGE);
		return true;
	case CMD_CLEAR:
		scrollback_clear(ui_current(ui)->sb);
		ui_current(ui)->scroll = 0;
		return true;
	case CMD_WIN:
		if ((size_t)c->number > state_window_count(ui->st))
			ui_notef(ui, LINE_ERROR, "No window %d (there are %zu)", c->number,
			         state_window_count(ui->st));
		else
			ui_switch(ui, (size_t)c->number - 1);
		return true;
	case CMD_CLOSE:
		ui_close(ui);
		return true;
	case CMD_NICKLIST:
		ui->nicklist = !ui->nicklist;
		return true;
	default:
		return false;
	}
}

/* Runs the commands about the client itself; false when c is none of them. */
static bool ui_command_client(struct ui *ui, const struct user_command *c)
{
	switch (c->kind) {
	case CMD_QUIT:
		ui->quit = true;
		snprintf(ui->quit_reason, sizeof(ui->quit_reason), "%s",
		         *c->rest ? c->rest : "Leaving");
		return true;
	case CMD_BELL:
		ui->bell = c->bell;
		ui_notef(ui, LINE_INFO, "Bell: %s",
		         c->bell == BELL_OFF   ? "off"
		         : c->bell == BELL_ALL ? "all messages"
		                               : "mentions");
		return true;
	case CMD_CONN:
		ui_conn(ui);
		return true;
	case CMD_HELP:
		ui_help(ui, c->arg);
		return true;
	case CMD_UNKNOWN:
		ui_notef(ui, LINE_ERROR,
		         "Unknown command /%s (/help lists them; /quote sends raw IRC)", c->name);
		return true;
	case CMD_USAGE:
		ui_notef(ui, LINE_ERROR, "Usage: %s", c->usage);
		return true;
	case CMD_LOGIN:
	case CMD_REGISTER:
		ui_account(ui, c);
		return true;
	default:
		return false;
	}
}

/* Runs one parsed command. */
static void ui_command(struct ui *ui, const struct user_command *c)
{
	const char *target = ui_target(ui);
	if (ui_command_window(ui, c) || ui_command_client(ui, c))
		return;
	switch (c->kind) {
	case CMD_NONE:
		break;
	case CMD_SAY:
	case CMD_ME:
		if (!target)
			ui_note(ui, LINE_ERROR,
			        "This is the server window: /join a room or /msg someone first");
		else
			ui_say(ui, target, c->rest, c->kind == CMD_ME ? LINE_ACTION : LINE_MESSAGE);
		break;
	case CMD_JOIN:
		ui_join(ui, c);
		break;
	case CMD_PART: {
		const char *room = ui_room_or_arg(ui, c->arg);
		if (room && *c->rest)
			ui_sendf(ui, "PART %s :%s", room, c->rest);
		else if (room)
			ui_sendf(ui, "PART %s", room);
		break;
	}
	case CMD_MSG:
		ui_say(ui, c->arg, c->rest, LINE_MESSAGE);
		break;
	default:
		ui_command_simple(ui, c);
		break;
	}
}

/* Parses and runs one line of input. */
void ui_run_line(struct ui *ui, const char *line)
{
	struct user_command *c = xmalloc(sizeof(*c));
	command_parse(line, c);
	ui_command(ui, c);
	if (c->kind == CMD_LOGIN || c->kind == CMD_REGISTER)
		explicit_bzero(c, sizeof(*c));
	free(c);
}
