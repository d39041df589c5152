/* config: parleyd's command-line options, parsed and checked before any
 * socket is opened. Files named by options (--motd) are read here too, so a
 * bad one stops the server at once with a clear message. */
#ifndef PARLEY_CONFIG_H
#define PARLEY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "log.h"

struct conffile;

#define CONFIG_BINDS_MAX 16
#define SERVER_NAME_MAX 63
#define PASSWORD_MAX 128
#define CONFIG_OPERS_MAX 64        /* "oper" lines in the config file */
#define OPER_NAME_MAX 32           /* bytes of an operator's name */
#define OPER_HASH_MAX 255          /* bytes of a hash (operpass.h's limit) */

/* One "oper NAME HASH" line of the config file. */
#define OPER_FROM_MAX 200 /* KLINE_MASK_MAX: a canonical host mask */

struct config_oper {
	char name[OPER_NAME_MAX + 1];  /* letters, digits, '-', '_', '.' */
	char hash[OPER_HASH_MAX + 1];  /* yescrypt, from parleyd --hash-password */
	/* Where OPER is allowed from: "" anywhere, else a host mask (an address,
	 * a CIDR block or a wildcard pattern; kline_mask.h), canonical. */
	char from[OPER_FROM_MAX + 1];
};

struct config {
	int port;                          /* 0: ephemeral */
	int nbinds;
	const char *binds[CONFIG_BINDS_MAX]; /* none: all IPv6 and IPv4 addresses */
	char name[SERVER_NAME_MAX + 1];
	char *motd;                        /* file contents, or NULL for none */
	const char *motd_path;             /* --motd FILE (argv), re-read on SIGHUP */
	char password[PASSWORD_MAX + 1];   /* empty: none */
	int max_clients;
	int max_per_ip;                    /* 0: no limit */
	int max_klines;                    /* server bans in force (KLINE) */
	int max_channels;                  /* rooms on the server (the default room is exempt) */
	int max_channels_per_user;         /* rooms one connection may be in (CHANLIMIT) */
	int announce_max;                  /* larger rooms tell joins/parts to ops only; 0: off */
	size_t sendq;
	bool flood;
	double flood_rate, flood_burst;
	int history;                       /* lines per room */
	size_t history_memory;             /* bytes of history, all rooms together */
	bool history_sqlite;               /* --history-store sqlite (default) or memory */
	const char *data_dir;              /* --data-dir (argv or the default) */
	int history_days;                  /* stored messages older than this go; 0: never */
	long history_max;                  /* stored messages per room; 0: no limit */
	char default_room[64];
	bool trace;                        /* --trace: socket steps, closes */
	bool trace_io;                     /* --trace=io: also reads and fan-outs */
	bool step;                         /* --step: accept only when Enter is pressed */
	bool iterative;                    /* --iterative: no workers; serve one client at a time */
	int backlog;                       /* listen()'s backlog */
	enum log_level log_level;
	int reg_timeout;                   /* seconds */
	int ping_interval;                 /* seconds */
	int writers;                       /* see flushq.h */
	/* TLS (tls.h): on with --tls, --tls-port or --tls-cert */
	bool tls;                          /* a TLS listener (and a certificate) */
	int tls_port;                      /* --tls-port (6697 when TLS is on); 0: ephemeral */
	const char *tls_cert;              /* --tls-cert FILE (argv); NULL: the generated one */
	const char *tls_key;               /* --tls-key FILE (argv); NULL: in tls_cert */
	bool fingerprint;                  /* --fingerprint: print the key's and exit */
	int max_accounts;                  /* accounts on the server (account.h) */
	bool allow_plaintext_auth;         /* passwords over plain TCP from other hosts */
	bool hash_password;                /* --hash-password: hash stdin's line and exit */
	/* Where the options came from, kept for SIGHUP (config_reload). */
	const char *config_path;           /* --config FILE, or NULL */
	bool check_only;                   /* --check-config */
	int argc;
	char **argv;
	struct conffile *file;             /* the file's text; values point into it */
	bool binds_from_file;              /* binds[] came from the file */
	/* Operator blocks (file only; oper.h has the ones in force). Owned:
	 * config_free frees them. */
	struct config_oper *opers;
	int nopers;
};

enum config_result { CONFIG_RUN, CONFIG_EXIT_OK, CONFIG_EXIT_ERROR };

/* Fills cfg from the defaults, then the file named by --config, then argv
 * (the command line wins), every value checked by the same code whichever
 * source it came from. On CONFIG_EXIT_OK (--help, --version, a clean
 * --check-config) the text has been printed to stdout; on CONFIG_EXIT_ERROR,
 * *error holds an allocated message (one line per problem, each
 * "FILE:LINE: message" for the file's; --check-config has printed them all
 * on stderr). argv must outlive cfg. Free cfg with config_free in all cases. */
enum config_result config_parse(struct config *cfg, int argc, char **argv, char **error);

/* SIGHUP: builds *next again from running's file and command line. Returns 0,
 * or -1 with *error allocated (the problems, "; "-separated and bounded) and
 * nothing in *next to free. */
int config_reload(const struct config *running, struct config *next, char **error);

/* Do a and b differ in flood control (on or off, rate, burst)? */
bool config_flood_changed(const struct config *a, const struct config *b);

/* Lists (comma-separated option names) what differs between a and b: in live
 * what SIGHUP applies at once, in restart what needs a restart. */
void config_changes(const struct config *a, const struct config *b, char *live, size_t live_cap,
		    char *restart, size_t restart_cap);

void config_free(struct config *cfg);

/* Reads a MOTD file whole (at most 64 KiB, no NUL bytes) into *out (allocated).
 * Returns 0, or -1 with *error allocated. */
int config_read_motd(const char *path, char **out, char **error);

#endif
