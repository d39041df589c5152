/* command: what the user typed, parsed into a command.
 *
 * A line not starting with '/' is CMD_SAY (text to the current window); "//x"
 * says "/x". Otherwise the word after '/' names a command, case-insensitively.
 * Arguments are separated by runs of spaces; leading and trailing spaces of
 * the text argument are kept for CMD_SAY only. Unknown names give CMD_UNKNOWN
 * (name holds what was typed); missing or bad arguments give CMD_USAGE
 * (usage holds "/join ROOM[,ROOM] [KEY]"-style text). No I/O here. */
#ifndef PARLEY_COMMAND_H
#define PARLEY_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

/* Longest line parsed, in bytes (longer lines are cut at a UTF-8 boundary):
 * enough for an editor line of EDITOR_MAX_CHARS characters. */
#define COMMAND_LINE_MAX 16384
#define COMMAND_NAME_MAX 32
#define COMMAND_ARG_MAX 512

enum command_kind {
	CMD_NONE,     /* empty or blank line: do nothing */
	CMD_SAY,      /* rest: the text */
	CMD_JOIN,     /* arg: ROOM[,ROOM...]  rest: KEY[,KEY...] or "" */
	CMD_PART,     /* arg: ROOM or "" (current)  rest: reason or "" */
	CMD_MSG,      /* arg: NICK (or room)  rest: text (non-empty) */
	CMD_QUERY,    /* arg: NICK  rest: text or "" (just open the window) */
	CMD_ME,       /* rest: the action text (non-empty) */
	CMD_NICK,     /* arg: NICK */
	CMD_TOPIC,    /* rest: new topic, or "" to show the current one */
	CMD_NAMES,    /* arg: ROOM or "" (current) */
	CMD_WHO,      /* arg: MASK or "" (current room) */
	CMD_WHOIS,    /* arg: NICK */
	CMD_AWAY,     /* rest: away message, or "" for back */
	CMD_QUIT,     /* rest: reason or "" */
	CMD_SETNAME,  /* rest: the new real name, or "" (refused by the UI) */
	CMD_CLEAR,    /* clear the current window's scrollback */
	CMD_WIN,      /* number: window number (>= 1) */
	CMD_CLOSE,    /* close the current window (parts a room) */
	CMD_BELL,     /* bell: BELL_OFF, BELL_MENTIONS or BELL_ALL */
	CMD_CONN,     /* show both endpoints of the connection */
	CMD_HELP,     /* arg: command name (without '/') or "" for all */
	CMD_NICKLIST, /* toggle the nick list */
	CMD_QUOTE,    /* rest: a raw IRC line (/quote and /raw) */
	CMD_LOGIN,    /* rest: the account password (the account is the nick) */
	CMD_REGISTER, /* rest: the password of the account to register (the nick) */
	CMD_UNKNOWN,  /* name: the unknown command as typed (without '/') */
	CMD_USAGE,    /* name: the command; usage: its usage line */
};

enum bell_mode {
	BELL_OFF,
	BELL_MENTIONS,
	BELL_ALL,
};

struct user_command {
	enum command_kind kind;
	char name[COMMAND_NAME_MAX]; /* command name as typed, lowercased, no '/' */
	char arg[COMMAND_ARG_MAX];   /* first argument (see the kinds), or "" */
	const char *rest;            /* points into buf; never NULL ("" if none) */
	const char *usage;           /* CMD_USAGE: static usage text; else NULL */
	int number;                  /* CMD_WIN */
	enum bell_mode bell;         /* CMD_BELL */
	char buf[COMMAND_LINE_MAX];  /* owned copy of the text that rest points into */
};

/* One entry of the command table (for /help and completion). */
struct command_info {
	const char *name;  /* without '/', lower case */
	const char *usage; /* e.g. "/join ROOM[,ROOM] [KEY]" */
	const char *help;  /* one line */
};

/* The command table, sorted by name; command_count entries. */
extern const struct command_info command_table[];
extern const size_t command_count;

/* The table's names (command_count entries, without '/'), in the shape
 * complete_word() takes. */
extern const char *const command_names[];

/* True when line is a command whose argument is a password (/login,
 * /register, in any case, even misspelt arguments): such a line is not
 * kept in the input history. */
bool command_holds_secret(const char *line);

/* The table entry for name (case-insensitive, without '/'), or NULL. */
const struct command_info *command_find(const char *name);

/* Parses line (NUL-terminated UTF-8, no CR/LF) into *out and returns
 * out->kind. out is self-contained: it does not point into line. */
int command_parse(const char *line, struct user_command *out);

#endif
