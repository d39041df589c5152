/* command: what the user typed, parsed into a command. */
#include "command.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"

/* The table, in name order: name, kind, usage, help. One list feeds both the
 * table and the name array so they cannot drift apart. */
#define COMMAND_LIST(X)                                                                            \
	X("away", CMD_AWAY, "/away [MESSAGE]", "mark yourself away (no message: back)")            \
	X("bell", CMD_BELL, "/bell off|mentions|all", "when to ring the terminal bell")            \
	X("clear", CMD_CLEAR, "/clear", "clear this window's scrollback")                          \
	X("close", CMD_CLOSE, "/close", "close this window (leaving the room)")                    \
	X("conn", CMD_CONN, "/conn", "show both endpoints of the connection")                      \
	X("help", CMD_HELP, "/help [COMMAND]", "list the commands, or explain one")                \
	X("join", CMD_JOIN, "/join ROOM[,ROOM] [KEY]", "join one or more rooms")                   \
	X("login", CMD_LOGIN, "/login PASSWORD", "log in to the account named like your nick")     \
	X("me", CMD_ME, "/me ACTION", "say an action (* you waves)")                               \
	X("msg", CMD_MSG, "/msg NICK TEXT", "send a private message")                              \
	X("names", CMD_NAMES, "/names [ROOM]", "list who is in a room")                            \
	X("nick", CMD_NICK, "/nick NICK", "change your nickname")                                  \
	X("nicklist", CMD_NICKLIST, "/nicklist", "show or hide the nick list")                     \
	X("part", CMD_PART, "/part [ROOM] [REASON]", "leave a room (this one by default)")         \
	X("query", CMD_QUERY, "/query NICK [TEXT]", "open a private conversation")                 \
	X("quit", CMD_QUIT, "/quit [REASON]", "disconnect and exit")                               \
	X("quote", CMD_QUOTE, "/quote RAW", "send a raw IRC line to the server")                   \
	X("raw", CMD_QUOTE, "/raw RAW", "same as /quote")                                          \
	X("register", CMD_REGISTER, "/register PASSWORD", "register your nick as an account")       \
	X("setname", CMD_SETNAME, "/setname TEXT", "change your real name (if the server allows)") \
	X("topic", CMD_TOPIC, "/topic [TEXT]", "show or set this room's topic")                    \
	X("who", CMD_WHO, "/who [MASK]", "list users matching a mask (this room by default)")      \
	X("whois", CMD_WHOIS, "/whois NICK", "show information about a user")                      \
	X("win", CMD_WIN, "/win N", "go to window number N")

#define COMMAND_INFO(name, kind, usage, help) {name, usage, help},
#define COMMAND_NAME(name, kind, usage, help) name,
#define COMMAND_KIND(name, kind, usage, help) kind,

const struct command_info command_table[] = {COMMAND_LIST(COMMAND_INFO)};
const size_t command_count = sizeof(command_table) / sizeof(command_table[0]);
const char *const command_names[] = {COMMAND_LIST(COMMAND_NAME)};
static const enum command_kind command_kinds[] = {COMMAND_LIST(COMMAND_KIND)};

/* Looks a name up, ignoring case. */
const struct command_info *command_find(const char *name)
{
	for (size_t i = 0; i < command_count; i++) {
		if (strcasecmp(command_table[i].name, name) == 0)
			return &command_table[i];
	}
	return NULL;
}

/* Skips the spaces at p. */
static char *skip_spaces(char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/* Copies the word at *p into dst (truncated to cap at a UTF-8 boundary) and
 * moves *p past it and the spaces after it. Returns false if there is none. */
static bool take_word(char **p, char *dst, size_t cap)
{
	char *start = skip_spaces(*p), *end = start;
	size_t n;

	while (*end && *end != ' ')
		end++;
	n = (size_t)(end - start);
	if (n >= cap)
		n = utf8_cut(start, n, cap - 1);
	memcpy(dst, start, n);
	dst[n] = '\0';
	*p = skip_spaces(end);
	return end > start;
}

/* Cuts trailing spaces off the NUL-terminated text at p. */
static void trim_end(char *p)
{
	size_t n = strlen(p);

	while (n > 0 && p[n - 1] == ' ')
		p[--n] = '\0';
}

/* True for a name that begins with a channel type. */
static bool is_room(const char *s)
{
	return s[0] == '#' || s[0] == '&' || s[0] == '+' || s[0] == '!';
}

/* Turns out into a usage error for the table entry at index i. */
static int command_usage(struct user_command *out, size_t i)
{
	out->kind = CMD_USAGE;
	out->usage = command_table[i].usage;
	out->arg[0] = '\0';
	out->rest = "";
	return out->kind;
}

/* A window number: digits only, 1..9999. */
static int parse_number(const char *s)
{
	int n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > 999)
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n >= 1 ? n : -1;
}

/* Fills in the arguments of a known command (table index i); p is the text
 * after the name with leading spaces skipped and trailing spaces cut. */
static int command_arguments(struct user_command *out, size_t i, char *p)
{
	out->kind = command_kinds[i];
	switch (out->kind) {
	case CMD_JOIN:
		if (!take_word(&p, out->arg, sizeof(out->arg)))
			return command_usage(out, i);
		*strchrnul(p, ' ') = '\0'; /* the key; anything after it is ignored */
		out->rest = p;
		break;
	case CMD_PART:
		if (is_room(p))
			take_word(&p, out->arg, sizeof(out->arg));
		out->rest = p;
		break;
	case CMD_MSG:
		if (!take_word(&p, out->arg, sizeof(out->arg)) || !*p)
			return command_usage(out, i);
		out->rest = p;
		break;
	case CMD_QUERY:
		if (!take_word(&p, out->arg, sizeof(out->arg)))
			return command_usage(out, i);
		out->rest = p;
		break;
	case CMD_NICK:
	case CMD_WHOIS:
		if (!take_word(&p, out->arg, sizeof(out->arg)))
			return command_usage(out, i);
		break;
	case CMD_NAMES:
	case CMD_WHO:
		take_word(&p, out->arg, sizeof(out->arg));
		break;
	case CMD_HELP:
		if (*p == '/')
			p++;
		take_word(&p, out->arg, sizeof(out->arg));
		break;
	case CMD_WIN:
		if (!take_word(&p, out->arg, sizeof(out->arg)) ||
		    (out->number = parse_number(out->arg)) < 0)
			return command_usage(out, i);
		break;
	case CMD_BELL:
		if (!take_word(&p, out->arg, sizeof(out->arg)))
			return command_usage(out, i);
		if (strcasecmp(out->arg, "off") == 0)
			out->bell = BELL_OFF;
		else if (strcasecmp(out->arg, "mentions") == 0)
			out->bell = BELL_MENTIONS;
		else if (strcasecmp(out->arg, "all") == 0)
			out->bell = BELL_ALL;
		else
			return command_usage(out, i);
		break;
	case CMD_ME:
	case CMD_QUOTE:
	case CMD_LOGIN:
	case CMD_REGISTER:
		if (!*p)
			return command_usage(out, i);
		out->rest = p;
		break;
	case CMD_TOPIC:
	case CMD_AWAY:
	case CMD_QUIT:
	case CMD_SETNAME:
		out->rest = p;
		break;
	default: /* no arguments: anything given is ignored */
		break;
	}
	return out->kind;
}

/* Copies the line (bounded), then splits off the command name and hands the
 * rest to the command's own argument rules. */
int command_parse(const char *line, struct user_command *out)
{
	size_t len = strlen(line), n = 0;
	char *p;

	out->kind = CMD_NONE;
	out->name[0] = '\0';
	out->arg[0] = '\0';
	out->rest = "";
	out->usage = NULL;
	out->number = 0;
	out->bell = BELL_MENTIONS;
	if (len >= sizeof(out->buf))
		len = utf8_cut(line, len, sizeof(out->buf) - 1);
	memcpy(out->buf, line, len);
	out->buf[len] = '\0';

	if (out->buf[0] != '/' || out->buf[1] == '/') {
		p = out->buf + (out->buf[0] == '/');
		if (*skip_spaces(out->buf) == '\0')
			return out->kind; /* blank: nothing to say */
		out->kind = CMD_SAY;
		out->rest = p;
		return out->kind;
	}

	p = out->buf + 1;
	while (*p && *p != ' ') {
		if (n + 1 < sizeof(out->name))
			out->name[n++] = (char)tolower((unsigned char)*p);
		p++;
	}
	out->name[n] = '\0';
	p = skip_spaces(p);
	trim_end(p);
	for (size_t i = 0; i < command_count; i++) {
		if (strcmp(command_table[i].name, out->name) == 0)
			return command_arguments(out, i, p);
	}
	out->kind = CMD_UNKNOWN;
	return out->kind;
}

bool command_holds_secret(const char *line)
{
	if (line[0] != '/' || line[1] == '/')
		return false;
	char name[COMMAND_NAME_MAX];
	size_t n = strcspn(line + 1, " ");
	if (n == 0 || n >= sizeof(name))
		return false;
	memcpy(name, line + 1, n);
	name[n] = '\0';
	const struct command_info *ci = command_find(name);
	return ci && (strcmp(ci->name, "login") == 0 || strcmp(ci->name, "register") == 0);
}
