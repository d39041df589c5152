/* config: see config.h. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conffile.h"
#include "endpoint.h"
#include "ircname.h"
#include "kline_mask.h"
#include "operpass.h"
#include "xalloc.h"

#define MOTD_SIZE_MAX (64 * 1024)
/* Problems a failed SIGHUP reload puts in its log line. */
#define RELOAD_PROBLEMS_LOGGED 5
#define OPTSTRING ":p:b:n:m:P:c:i:q:f:H:r:tl:hV"

static const char usage_text[] =
	"Usage: parleyd [OPTION]...\n"
	"A multithreaded chat server: IRC clients and plain nc/telnet users share rooms.\n"
	"\n"
	"  -p, --port N             TCP port (default 6667; 0 picks a free one)\n"
	"  -b, --bind ADDR          address to listen on, repeatable (default: all IPv6 and IPv4)\n"
	"  -n, --name NAME          server name (default parley)\n"
	"  -m, --motd FILE          message of the day shown after registration\n"
	"  -P, --password PASS      connection password (IRC PASS; plain users are asked);\n"
	"                           ps shows it here: better in the config file\n"
	"      --password-file FILE the connection password is the first line of FILE\n"
	"  -c, --max-clients N      most simultaneous connections (default 10000)\n"
	"  -i, --max-per-ip N       most connections from one address (default 32; 0: no limit)\n"
	"      --max-channels N     most rooms on the server (default 10000; the default room\n"
	"                           is always allowed)\n"
	"      --max-channels-per-user N\n"
	"                           most rooms one connection may be in (default 50)\n"
	"      --announce-max N     rooms with more than N members tell joins, parts and\n"
	"                           quits only to their operators (default 1000; 0: always\n"
	"                           tell everyone)\n"
	"  -q, --sendq BYTES        per-connection send-queue limit, k/m suffixes (default 1m)\n"
	"  -f, --flood RATE:BURST   lines per second and burst per client, or off (default 5:20)\n"
	"  -H, --history N          lines per room replayed to joiners (default 100; 0: off)\n"
	"      --history-memory BYTES\n"
	"                           memory for all rooms' history, k/m suffixes; the oldest\n"
	"                           lines of any room go first (default 64m)\n"
	"      --history-store KIND sqlite (default): history and room state kept on disk in\n"
	"                           the data directory; memory: forgotten at exit\n"
	"      --data-dir DIR       where the sqlite store lives (default ./parleyd-data)\n"
	"      --history-days N     stored messages older than N days are deleted (default 30;\n"
	"                           0: kept forever)\n"
	"      --history-max N      stored messages kept per room, the newest (default 100000;\n"
	"                           0: no limit)\n"
	"      --max-klines N       most server bans (KLINE) in force (default 1000)\n"
	"  -r, --default-room ROOM  room plain-text users land in (default #lobby)\n"
	"  -t, --trace[=io]         narrate every socket step on stdout (classroom mode);\n"
	"                           =io also each read and each line's fan-out\n"
	"      --step               (classroom) accept a waiting connection only when Enter is\n"
	"                           pressed on the server's terminal, saying how many wait in\n"
	"                           the backlog; implies --trace\n"
	"      --iterative          (classroom) no worker threads: the main thread serves one\n"
	"                           client until it leaves, then accepts the next; implies --trace\n"
	"      --backlog N          listen()'s backlog: connections the kernel completes before\n"
	"                           accept() takes them (default 4096, the system may cap it)\n"
	"  -l, --log-level LEVEL    error, warn, info or debug (default info)\n"
	"      --reg-timeout SECS   time allowed to register (default 30)\n"
	"      --ping-interval SECS idle time before PING; as long again for the PONG (default 120)\n"
	"      --writers N          threads writing others' messages at once (default 1)\n"
	"      --tls                TLS on: a listener on --tls-port, with --tls-cert or a\n"
	"                           certificate made once in --data-dir\n"
	"      --tls-port PORT      the TLS listener's port (default 6697; turns TLS on)\n"
	"      --tls-cert FILE      PEM certificate (chain) for TLS (turns TLS on)\n"
	"      --tls-key FILE       PEM private key (default: in --tls-cert's file)\n"
	"      --max-accounts N     most accounts registered on the server (default 10000)\n"
	"      --allow-plaintext-auth\n"
	"                           let passwords for accounts (REGISTER, PASS, /login) cross\n"
	"                           unencrypted connections from other hosts (default: only\n"
	"                           TLS or loopback)\n"
	"      --fingerprint        print the TLS key's SHA-256 (SPKI) fingerprint and exit\n"
	"      --hash-password      read a password on stdin, print its hash for a config\n"
	"                           file's 'oper NAME HASH' line and exit\n"
	"      --config FILE        read options from FILE first, one 'name value' a line\n"
	"                           (the long names above without '--'); the command line\n"
	"                           wins; SIGHUP reads it again\n"
	"      --check-config       check the command line and the config file, print every\n"
	"                           problem as FILE:LINE: message, exit 1 if any (else 0)\n"
	"  -h, --help               show this help and exit\n"
	"  -V, --version            show the version and exit\n";

enum {
	OPT_REG_TIMEOUT = 1000,
	OPT_PING_INTERVAL,
	OPT_WRITERS,
	OPT_MAX_CHANNELS,
	OPT_MAX_CHANNELS_PER_USER,
	OPT_HISTORY_MEMORY,
	OPT_ANNOUNCE_MAX,
	OPT_STEP,
	OPT_ITERATIVE,
	OPT_BACKLOG,
	OPT_HISTORY_STORE,
	OPT_DATA_DIR,
	OPT_HISTORY_DAYS,
	OPT_HISTORY_MAX,
	OPT_TLS,
	OPT_TLS_PORT,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_FINGERPRINT,
	OPT_HASH_PASSWORD,
	OPT_PASSWORD_FILE,
	OPT_CONFIG,
	OPT_CHECK_CONFIG,
	OPT_MAX_ACCOUNTS,
	OPT_ALLOW_PLAINTEXT_AUTH,
	OPT_MAX_KLINES,
};

static const struct option long_options[] = {
	{"port", required_argument, NULL, 'p'},
	{"bind", required_argument, NULL, 'b'},
	{"name", required_argument, NULL, 'n'},
	{"motd", required_argument, NULL, 'm'},
	{"password", required_argument, NULL, 'P'},
	{"max-clients", required_argument, NULL, 'c'},
	{"max-per-ip", required_argument, NULL, 'i'},
	{"sendq", required_argument, NULL, 'q'},
	{"flood", required_argument, NULL, 'f'},
	{"history", required_argument, NULL, 'H'},
	{"default-room", required_argument, NULL, 'r'},
	{"trace", optional_argument, NULL, 't'},
	{"log-level", required_argument, NULL, 'l'},
	{"reg-timeout", required_argument, NULL, OPT_REG_TIMEOUT},
	{"ping-interval", required_argument, NULL, OPT_PING_INTERVAL},
	{"writers", required_argument, NULL, OPT_WRITERS},
	{"max-channels", required_argument, NULL, OPT_MAX_CHANNELS},
	{"max-channels-per-user", required_argument, NULL, OPT_MAX_CHANNELS_PER_USER},
	{"history-memory", required_argument, NULL, OPT_HISTORY_MEMORY},
	{"announce-max", required_argument, NULL, OPT_ANNOUNCE_MAX},
	{"step", no_argument, NULL, OPT_STEP},
	{"iterative", no_argument, NULL, OPT_ITERATIVE},
	{"backlog", required_argument, NULL, OPT_BACKLOG},
	{"history-store", required_argument, NULL, OPT_HISTORY_STORE},
	{"data-dir", required_argument, NULL, OPT_DATA_DIR},
	{"history-days", required_argument, NULL, OPT_HISTORY_DAYS},
	{"history-max", required_argument, NULL, OPT_HISTORY_MAX},
	{"tls", no_argument, NULL, OPT_TLS},
	{"tls-port", required_argument, NULL, OPT_TLS_PORT},
	{"tls-cert", required_argument, NULL, OPT_TLS_CERT},
	{"tls-key", required_argument, NULL, OPT_TLS_KEY},
	{"fingerprint", no_argument, NULL, OPT_FINGERPRINT},
	{"hash-password", no_argument, NULL, OPT_HASH_PASSWORD},
	{"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"check-config", no_argument, NULL, OPT_CHECK_CONFIG},
	{"max-accounts", required_argument, NULL, OPT_MAX_ACCOUNTS},
	{"allow-plaintext-auth", no_argument, NULL, OPT_ALLOW_PLAINTEXT_AUTH},
	{"max-klines", required_argument, NULL, OPT_MAX_KLINES},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

/* Allocates a formatted error message. */
static char *error_new(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *error_new(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return xstrdup(buf);
}

/* Parses a whole decimal integer within [min, max]. */
static int parse_int(const char *text, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Parses a byte count with an optional k or m suffix. */
static int parse_size(const char *text, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || end == text || text[0] == '-')
		return -1;
	unsigned long long mult = 1;
	if (*end == 'k' || *end == 'K')
		mult = 1024, end++;
	else if (*end == 'm' || *end == 'M')
		mult = 1024 * 1024, end++;
	if (*end != '\0' || v == 0 || v > (1ULL << 32) / mult)
		return -1;
	*out = (size_t)(v * mult);
	return 0;
}

/* Parses "RATE:BURST" or "off". */
static int parse_flood(const char *text, struct config *cfg)
{
	if (strcmp(text, "off") == 0) {
		cfg->flood = false;
		return 0;
	}
	char *end;
	double rate = strtod(text, &end);
	if (end == text || *end != ':' || !(rate > 0 && rate <= 100000))
		return -1;
	const char *burst_text = end + 1;
	double burst = strtod(burst_text, &end);
	if (end == burst_text || *end != '\0' || !(burst >= 1 && burst <= 100000))
		return -1;
	cfg->flood = true;
	cfg->flood_rate = rate;
	cfg->flood_burst = burst;
	return 0;
}

/* Reads the MOTD file whole; it must be valid, reasonably small text. */
int config_read_motd(const char *path, char **out, char **error)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		*error = error_new("cannot read MOTD file %s: %s", path, strerror(errno));
		return -1;
	}
	char *text = xmalloc(MOTD_SIZE_MAX + 1);
	size_t n = fread(text, 1, MOTD_SIZE_MAX + 1, f);
	int failed = ferror(f);
	fclose(f);
	if (failed || n > MOTD_SIZE_MAX) {
		free(text);
		*error = error_new("cannot read MOTD file %s: %s", path,
				   failed ? "read error" : "larger than 64 KiB");
		return -1;
	}
	text[n] = '\0';
	if (strlen(text) != n) {
		free(text);
		*error = error_new("MOTD file %s contains NUL bytes", path);
		return -1;
	}
	*out = text;
	return 0;
}

/* Copies text into a fixed field, refusing what does not fit. */
static int copy_field(char *dst, size_t cap, const char *text)
{
	size_t len = strlen(text);
	if (len >= cap)
		return -1;
	memcpy(dst, text, len + 1);
	return 0;
}

/* Checks a server name: a host-like token without spaces or specials. */
static bool server_name_valid(const char *name)
{
	if (!*name)
		return false;
	for (const char *p = name; *p; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
		if (!ok)
			return false;
	}
	return true;
}

/* Sets every option to its default. */
static void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->port = 6667;
	copy_field(cfg->name, sizeof cfg->name, "parley");
	cfg->max_clients = 10000;
	cfg->max_per_ip = 32;
	cfg->max_channels = 10000;
	cfg->max_channels_per_user = 50;
	cfg->max_klines = 1000;
	cfg->announce_max = 1000;
	cfg->backlog = 4096;
	cfg->sendq = 1024 * 1024;
	cfg->flood = true;
	cfg->flood_rate = 5;
	cfg->flood_burst = 20;
	cfg->history = 100;
	cfg->history_memory = 64 * 1024 * 1024;
	cfg->history_sqlite = true;
	cfg->data_dir = "./parleyd-data";
	cfg->history_days = 30;
	cfg->history_max = 100000;
	copy_field(cfg->default_room, sizeof cfg->default_room, "#lobby");
	cfg->log_level = LOG_INFO;
	cfg->reg_timeout = 30;
	cfg->ping_interval = 120;
	cfg->writers = 1;
	cfg->tls_port = -1;
	cfg->max_accounts = 10000;
}

/* The TLS options (config.h): one of them turns TLS on. */
static int apply_tls_option(struct config *cfg, int opt, const char *arg)
{
	long v;
	switch (opt) {
	case OPT_TLS:
		cfg->tls = true;
		return 0;
	case OPT_TLS_PORT:
		if (parse_int(arg, 0, 65535, &v) < 0)
			return -1;
		cfg->tls_port = (int)v;
		cfg->tls = true;
		return 0;
	case OPT_TLS_CERT:
	case OPT_TLS_KEY:
		if (arg[0] == '\0' || strlen(arg) > 4000)
			return -1;
		*(opt == OPT_TLS_CERT ? &cfg->tls_cert : &cfg->tls_key) = arg;
		cfg->tls = cfg->tls || opt == OPT_TLS_CERT;
		return 0;
	case OPT_FINGERPRINT:
		cfg->fingerprint = true;
		return 0;
	}
	return -1;
}

/* After all options: TLS's default port, and a key needs its certificate. */
static int tls_options_check(struct config *cfg, char **error)
{
	if (cfg->tls_key && !cfg->tls_cert) {
		*error = error_new("--tls-key needs --tls-cert");
		return -1;
	}
	if (cfg->tls && cfg->tls_port < 0)
		cfg->tls_port = 6697;
	return 0;
}

/* Reads the first line of a password file (without its end) into cfg. */
static int read_password_file(struct config *cfg, const char *path, char **error)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		*error = error_new("cannot read password file %s: %s", path, strerror(errno));
		return -1;
	}
	char line[PASSWORD_MAX + 3];
	bool got = fgets(line, sizeof line, f) != NULL;
	fclose(f);
	size_t len = got ? strcspn(line, "\r\n") : 0;
	if (len == 0 || len > PASSWORD_MAX || memchr(line, ' ', len)) {
		*error = error_new("password file %s: the first line must be the password "
				   "(1 to %d bytes, no spaces)", path, PASSWORD_MAX);
		return -1;
	}
	memcpy(cfg->password, line, len);
	cfg->password[len] = '\0';
	return 0;
}

/* Applies one option from argv or the file (from_file); returns 0 or -1
 * with *error set. */
static int apply_option(struct config *cfg, int opt, const char *arg, bool from_file,
			char **error)
{
	long v;
	switch (opt) {
	case OPT_PASSWORD_FILE:
		return read_password_file(cfg, arg, error);
	case 'p':
		if (parse_int(arg, 0, 65535, &v) < 0)
			goto bad;
		cfg->port = (int)v;
		return 0;
	case 'b': {
		if (cfg->binds_from_file && !from_file) /* the command line's replace the file's */
			cfg->nbinds = 0;
		cfg->binds_from_file = from_file;
		struct sockaddr_storage ss;
		socklen_t len;
		const char *reason;
		if (cfg->nbinds == CONFIG_BINDS_MAX) {
			*error = error_new("too many --bind addresses (at most %d)",
					   CONFIG_BINDS_MAX);
			return -1;
		}
		if (endpoint_parse(arg, 0, &ss, &len, &reason) < 0) {
			*error = error_new("invalid --bind address '%s': %s", arg, reason);
			return -1;
		}
		cfg->binds[cfg->nbinds++] = arg;
		return 0;
	}
	case 'n':
		if (!server_name_valid(arg) || copy_field(cfg->name, sizeof cfg->name, arg) < 0)
			goto bad;
		return 0;
	case 'm':
		free(cfg->motd);
		cfg->motd = NULL;
		cfg->motd_path = arg;
		return config_read_motd(arg, &cfg->motd, error);
	case 'P':
		if (!*arg || strpbrk(arg, " \r\n") ||
		    copy_field(cfg->password, sizeof cfg->password, arg) < 0)
			goto bad;
		return 0;
	case 'c':
		if (parse_int(arg, 1, 1000000, &v) < 0)
			goto bad;
		cfg->max_clients = (int)v;
		return 0;
	case 'i':
		if (parse_int(arg, 0, 1000000, &v) < 0)
			goto bad;
		cfg->max_per_ip = (int)v;
		return 0;
	case 'q':
		if (parse_size(arg, &cfg->sendq) < 0 || cfg->sendq < 1024)
			goto bad;
		return 0;
	case 'f':
		if (parse_flood(arg, cfg) < 0)
			goto bad;
		return 0;
	case 'H':
		if (parse_int(arg, 0, 100000, &v) < 0)
			goto bad;
		cfg->history = (int)v;
		return 0;
	case OPT_MAX_CHANNELS:
		if (parse_int(arg, 1, 1000000, &v) < 0)
			goto bad;
		cfg->max_channels = (int)v;
		return 0;
	case OPT_MAX_CHANNELS_PER_USER:
		if (parse_int(arg, 1, 1000, &v) < 0)
			goto bad;
		cfg->max_channels_per_user = (int)v;
		return 0;
	case OPT_STEP:
		cfg->step = cfg->trace = true;
		return 0;
	case OPT_ITERATIVE:
		cfg->iterative = cfg->trace = true;
		return 0;
	case OPT_MAX_KLINES:
		if (parse_int(arg, 1, 100000, &v) < 0)
			goto bad;
		cfg->max_klines = (int)v;
		return 0;
	case OPT_BACKLOG:
		if (parse_int(arg, 1, 65535, &v) < 0)
			goto bad;
		cfg->backlog = (int)v;
		return 0;
	case OPT_ANNOUNCE_MAX:
		if (parse_int(arg, 0, 1000000, &v) < 0)
			goto bad;
		cfg->announce_max = (int)v;
		return 0;
	case OPT_HISTORY_MEMORY:
		if (parse_size(arg, &cfg->history_memory) < 0 || cfg->history_memory < 1024)
			goto bad;
		return 0;
	case OPT_HISTORY_STORE:
		if (strcmp(arg, "sqlite") != 0 && strcmp(arg, "memory") != 0)
			goto bad;
		cfg->history_sqlite = strcmp(arg, "sqlite") == 0;
		return 0;
	case OPT_DATA_DIR:
		if (arg[0] == '\0' || strlen(arg) > 4000)
			goto bad;
		cfg->data_dir = arg;
		return 0;
	case OPT_MAX_ACCOUNTS:
		if (parse_int(arg, 1, 10000000, &v) < 0)
			goto bad;
		cfg->max_accounts = (int)v;
		return 0;
	case OPT_ALLOW_PLAINTEXT_AUTH:
		cfg->allow_plaintext_auth = true;
		return 0;
	case OPT_HISTORY_DAYS:
		if (parse_int(arg, 0, 100000, &v) < 0)
			goto bad;
		cfg->history_days = (int)v;
		return 0;
	case OPT_HISTORY_MAX:
		if (parse_int(arg, 0, 1000000000, &v) < 0)
			goto bad;
		cfg->history_max = v;
		return 0;
	case OPT_WRITERS:
		if (parse_int(arg, 1, 256, &v) < 0)
			goto bad;
		cfg->writers = (int)v;
		return 0;
	case 'r':
		if (!ircname_channel_valid(arg) ||
		    copy_field(cfg->default_room, sizeof cfg->default_room, arg) < 0)
			goto bad;
		return 0;
	case 't':
		/* --trace=io only: "-t io" would be two arguments */
		if (arg && strcmp(arg, "io") != 0)
			goto bad;
		cfg->trace = true;
		cfg->trace_io = arg != NULL;
		return 0;
	case 'l':
		if (log_parse_level(arg, &cfg->log_level) < 0)
			goto bad;
		return 0;
	case OPT_REG_TIMEOUT:
		if (parse_int(arg, 1, 86400, &v) < 0)
			goto bad;
		cfg->reg_timeout = (int)v;
		return 0;
	case OPT_TLS:
	case OPT_TLS_PORT:
	case OPT_TLS_CERT:
	case OPT_TLS_KEY:
	case OPT_FINGERPRINT:
		if (apply_tls_option(cfg, opt, arg) < 0)
			goto bad;
		return 0;
	case OPT_PING_INTERVAL:
		if (parse_int(arg, 1, 86400, &v) < 0)
			goto bad;
		cfg->ping_interval = (int)v;
		return 0;
	}
bad:
	for (const struct option *o = long_options; o->name; o++)
		if (o->val == opt) {
			*error = error_new("invalid value for %s%s: '%s'", from_file ? "" : "--",
					   o->name, arg);
			return -1;
		}
	*error = error_new("invalid option value '%s'", arg);
	return -1;
}


/* Options only the command line may give. */
static bool argv_only(int opt)
{
	return opt == OPT_CONFIG || opt == OPT_CHECK_CONFIG || opt == OPT_FINGERPRINT ||
	       opt == OPT_HASH_PASSWORD ||
	       opt == 'h' || opt == 'V';
}

/* The long option called name, or NULL. */
static const struct option *option_named(const char *name)
{
	for (const struct option *o = long_options; o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

/* Notes an unknown name in the file, suggesting the closest option. */
static void problem_unknown(struct conffile *cf, const struct conffile_entry *e)
{
	const char *names[sizeof long_options / sizeof *long_options + 1];
	size_t n = 0;
	names[n++] = "oper"; /* the one name of the file only */
	for (const struct option *o = long_options; o->name; o++)
		if (!argv_only(o->val))
			names[n++] = o->name;
	const char *near = conffile_closest(e->name, names, n);
	if (near)
		conffile_problem_add(cf, e->line, "unknown option '%s' (did you mean '%s'?)",
				     e->name, near);
	else
		conffile_problem_add(cf, e->line, "unknown option '%s'", e->name);
}

/* A flag's value in the file: bare, yes/true/on (1), no/false/off (0), or -1. */
static int flag_value(const char *value)
{
	if (!value || !strcmp(value, "yes") || !strcmp(value, "true") || !strcmp(value, "on"))
		return 1;
	if (!strcmp(value, "no") || !strcmp(value, "false") || !strcmp(value, "off"))
		return 0;
	return -1;
}

/* True for a valid operator name: 1 to OPER_NAME_MAX letters, digits, '-',
 * '_' or '.'. */
static bool oper_name_valid(const char *name, size_t len)
{
	if (len == 0 || len > OPER_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* The optional third word of an "oper" line: where the operator may OPER
 * from, as a host-only mask (an address, a CIDR block or a wildcard
 * pattern), written canonically into out. Returns 0, or -1 after noting
 * the problem. */
static int oper_from_parse(struct conffile *cf, const struct conffile_entry *e,
			   const char *from, char *out, size_t cap)
{
	struct kline_mask m;
	const char *why = NULL;
	bool ok = kline_mask_parse(from, &m, &why) == 0 && kline_mask_address_only(&m) &&
		  strlen(m.host) < cap;
	/* Connections are known by their numeric address only: a pattern that
	 * could name anything else (a host name) would never match. */
	if (ok && !m.net && strspn(m.host, "0123456789abcdef.:*?") != strlen(m.host)) {
		ok = false;
		why = "connections are known by their address, not a host name";
	}
	if (!ok) {
		conffile_problem_add(cf, e->line, "oper: '%.64s' is not where an operator can be "
				     "from (an address, a block like 10.0.0.0/24, or a pattern "
				     "like 10.0.0.*)%s%s", from, why ? ": " : "", why ? why : "");
		return -1;
	}
	snprintf(out, cap, "%s", m.host);
	return 0;
}

/* "oper NAME HASH [FROM]" (file only, may repeat): checks it and adds the
 * block. */
static void apply_oper(struct config *cfg, struct conffile *cf, const struct conffile_entry *e)
{
	const char *v = e->value ? e->value : "";
	size_t name_len = strcspn(v, " \t");
	const char *hash_at = v + name_len;
	hash_at += strspn(hash_at, " \t");
	size_t hash_len = strcspn(hash_at, " \t");
	const char *from = hash_at + hash_len;
	from += strspn(from, " \t");
	if (name_len == 0 || hash_len == 0 || from[strcspn(from, " \t")]) {
		conffile_problem_add(cf, e->line, "'oper' needs a name and a hash: oper NAME HASH "
				     "[FROM] (the hash from parleyd --hash-password; FROM an "
				     "address or block)");
		return;
	}
	char hash[OPER_HASH_MAX + 2];
	snprintf(hash, sizeof hash, "%.*s", (int)(hash_len > OPER_HASH_MAX + 1 ? OPER_HASH_MAX + 1
										: hash_len), hash_at);
	char from_mask[OPER_FROM_MAX + 1] = "";
	if (*from && oper_from_parse(cf, e, from, from_mask, sizeof from_mask) < 0)
		return;
	if (!oper_name_valid(v, name_len)) {
		conffile_problem_add(cf, e->line, "invalid operator name '%.*s' (1 to %d letters, "
				     "digits, '-', '_' or '.')", (int)(name_len > 64 ? 64 : name_len),
				     v, OPER_NAME_MAX);
		return;
	}
	if (!operpass_hash_valid(hash)) {
		conffile_problem_add(cf, e->line, "operator '%.*s': not a yescrypt hash (make one "
				     "with parleyd --hash-password)", (int)name_len, v);
		return;
	}
	for (int i = 0; i < cfg->nopers; i++)
		if (strlen(cfg->opers[i].name) == name_len &&
		    memcmp(cfg->opers[i].name, v, name_len) == 0) {
			conffile_problem_add(cf, e->line, "duplicate operator '%.*s'",
					     (int)name_len, v);
			return;
		}
	if (cfg->nopers == CONFIG_OPERS_MAX) {
		conffile_problem_add(cf, e->line, "too many 'oper' lines (at most %d)",
				     CONFIG_OPERS_MAX);
		return;
	}
	if (!cfg->opers)
		cfg->opers = xcalloc(CONFIG_OPERS_MAX, sizeof *cfg->opers);
	struct config_oper *o = &cfg->opers[cfg->nopers++];
	memcpy(o->name, v, name_len);
	o->name[name_len] = '\0';
	copy_field(o->hash, sizeof o->hash, hash);
	copy_field(o->from, sizeof o->from, from_mask);
}

/* Applies one file entry through apply_option, noting any problem. */
static void apply_entry(struct config *cfg, struct conffile *cf, const struct conffile_entry *e,
			int *first_line)
{
	if (strcmp(e->name, "oper") == 0) {
		apply_oper(cfg, cf, e);
		return;
	}
	const struct option *o = option_named(e->name);
	if (!o) {
		problem_unknown(cf, e);
		return;
	}
	if (argv_only(o->val)) {
		conffile_problem_add(cf, e->line, "'%s' is a command-line option only", e->name);
		return;
	}
	int *first = &first_line[o - long_options];
	if (*first && o->val != 'b') {
		conffile_problem_add(cf, e->line, "duplicate option '%s' (first on line %d)",
				     e->name, *first);
		return;
	}
	*first = e->line;
	const char *arg = e->value;
	if (o->has_arg == required_argument && !arg) {
		conffile_problem_add(cf, e->line, "option '%s' needs a value", e->name);
		return;
	}
	if (o->has_arg == no_argument || (o->val == 't' && arg && strcmp(arg, "io") != 0)) {
		int on = flag_value(arg);
		if (on < 0) {
			conffile_problem_add(cf, e->line, "invalid value for %s: '%s' (yes or no)",
					     e->name, arg);
			return;
		}
		if (!on)
			return;
		arg = NULL;
	}
	char *error;
	if (apply_option(cfg, o->val, arg, true, &error) < 0) {
		conffile_problem_add(cf, e->line, "%s", error);
		free(error);
	}
}

/* Orders problems by line, as a reader goes through the file. */
static int problem_cmp(const void *a, const void *b)
{
	const struct conffile_problem *pa = a, *pb = b;
	return (pa->line > pb->line) - (pa->line < pb->line);
}

/* Reads and applies the file named by --config; its problems go to cfg->file. */
static void config_load_file(struct config *cfg, const char *path)
{
	struct conffile *cf = cfg->file = xmalloc(sizeof *cf);
	memset(cf, 0, sizeof *cf);
	FILE *f = fopen(path, "r");
	if (!f) {
		conffile_problem_add(cf, 0, "cannot read: %s", strerror(errno));
		return;
	}
	char *text = xmalloc(CONFFILE_SIZE_MAX + 1);
	size_t n = fread(text, 1, CONFFILE_SIZE_MAX + 1, f);
	bool failed = ferror(f);
	fclose(f);
	if (failed) {
		free(text);
		conffile_problem_add(cf, 0, "read error");
		return;
	}
	conffile_parse(text, n, cf);
	free(text);
	int first_line[sizeof long_options / sizeof *long_options] = {0};
	for (size_t i = 0; i < cf->nentries; i++)
		apply_entry(cfg, cf, &cf->entries[i], first_line);
	if (cf->nproblems)
		qsort(cf->problems, cf->nproblems, sizeof *cf->problems, problem_cmp);
}

/* First pass over argv: --help, --version, --config, --check-config and
 * malformed arguments; the rest is applied after the file. */
static enum config_result argv_scan(struct config *cfg, int argc, char **argv, char **error)
{
	optind = 0;
	opterr = 0;
	int opt;
	while ((opt = getopt_long(argc, argv, OPTSTRING, long_options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(usage_text, stdout);
			return CONFIG_EXIT_OK;
		case 'V':
			printf("parleyd %s\n", PARLEY_VERSION);
			return CONFIG_EXIT_OK;
		case ':':
			*error = error_new("option '%s' needs a value", argv[optind - 1]);
			return CONFIG_EXIT_ERROR;
		case '?':
			*error = error_new("unknown option '%s' (see --help)", argv[optind - 1]);
			return CONFIG_EXIT_ERROR;
		case OPT_CONFIG:
			cfg->config_path = optarg;
			break;
		case OPT_CHECK_CONFIG:
			cfg->check_only = true;
			break;
		case OPT_FINGERPRINT: /* an action, not a setting: never from the file */
			cfg->fingerprint = true;
			break;
		case OPT_HASH_PASSWORD: /* an action too */
			cfg->hash_password = true;
			break;
		}
	}
	if (optind < argc) {
		*error = error_new("unexpected argument '%s' (see --help)", argv[optind]);
		return CONFIG_EXIT_ERROR;
	}
	return CONFIG_RUN;
}

/* Second pass over argv: every other option, over what the file set. */
static int argv_apply(struct config *cfg, int argc, char **argv, char **error)
{
	optind = 0;
	int opt;
	while ((opt = getopt_long(argc, argv, OPTSTRING, long_options, NULL)) != -1)
		if (!argv_only(opt) && apply_option(cfg, opt, optarg, false, error) < 0)
			return -1;
	return 0;
}

/* Joins the file's first max problems as "FILE:LINE: message", sep between
 * them, and says how many more there are. */
static char *problems_text(const struct config *cfg, const char *sep, size_t max)
{
	const struct conffile *cf = cfg->file;
	size_t shown = cf->nproblems < max ? cf->nproblems : max;
	size_t cap = (shown + 1) * (600 + strlen(cfg->config_path)), len = 0;
	char *out = xmalloc(cap);
	out[0] = '\0';
	for (size_t i = 0; i < shown; i++) {
		const struct conffile_problem *p = &cf->problems[i];
		char where[24] = "";
		if (p->line)
			snprintf(where, sizeof where, ":%d", p->line);
		len += (size_t)snprintf(out + len, cap - len, "%s%s%s: %s", i ? sep : "",
					cfg->config_path, where, p->message);
	}
	size_t more = cf->nproblems - shown + cf->problems_dropped;
	if (more)
		snprintf(out + len, cap - len, "%s%s: %zu more problem%s (parleyd --check-config "
			 "lists %s)", sep, cfg->config_path, more, more == 1 ? "" : "s",
			 cf->problems_dropped ? "the first 50" : "them all");
	return out;
}

/* True when the config file (if any) had problems. */
static bool file_has_problems(const struct config *cfg)
{
	return cfg->file && cfg->file->nproblems > 0;
}

/* Builds cfg from the defaults, the file and argv (already scanned). */
static int config_build(struct config *cfg, int argc, char **argv, char **error)
{
	if (cfg->config_path)
		config_load_file(cfg, cfg->config_path);
	if (argv_apply(cfg, argc, argv, error) < 0)
		return -1;
	return tls_options_check(cfg, error);
}

/* --check-config: says every problem on stderr, or that all is well. */
static enum config_result config_check(struct config *cfg, int argc, char **argv, char **error)
{
	char *argv_error = NULL;
	config_build(cfg, argc, argv, &argv_error);
	bool bad = argv_error != NULL;
	if (file_has_problems(cfg)) {
		char *text = problems_text(cfg, "\n", CONFFILE_PROBLEMS_MAX);
		fprintf(stderr, "%s\n", text);
		free(text);
		bad = true;
	}
	if (argv_error)
		fprintf(stderr, "command line: %s\n", argv_error);
	if (bad) {
		size_t n = (cfg->file ? cfg->file->nproblems + cfg->file->problems_dropped : 0) +
			   (argv_error != NULL);
		*error = error_new("%zu problem%s found", n, n == 1 ? "" : "s");
		free(argv_error);
		return CONFIG_EXIT_ERROR;
	}
	printf("%s: OK\n", cfg->config_path ? cfg->config_path : "command line");
	return CONFIG_EXIT_OK;
}

enum config_result config_parse(struct config *cfg, int argc, char **argv, char **error)
{
	config_defaults(cfg);
	*error = NULL;
	cfg->argc = argc;
	cfg->argv = argv;
	enum config_result r = argv_scan(cfg, argc, argv, error);
	if (r != CONFIG_RUN)
		return r;
	if (cfg->check_only)
		return config_check(cfg, argc, argv, error);
	if (config_build(cfg, argc, argv, error) < 0)
		return CONFIG_EXIT_ERROR;
	if (file_has_problems(cfg)) {
		*error = problems_text(cfg, "\nparleyd: ", CONFFILE_PROBLEMS_MAX);
		return CONFIG_EXIT_ERROR;
	}
	return CONFIG_RUN;
}

int config_reload(const struct config *running, struct config *next, char **error)
{
	config_defaults(next);
	next->argc = running->argc;
	next->argv = running->argv;
	next->config_path = running->config_path;
	*error = NULL;
	if (config_build(next, next->argc, next->argv, error) < 0 || file_has_problems(next)) {
		if (!*error)
			*error = problems_text(next, "; ", RELOAD_PROBLEMS_LOGGED);
		config_free(next);
		return -1;
	}
	return 0;
}

/* Appends name to a comma-separated list in buf. */
static void list_add(char *buf, size_t cap, const char *name)
{
	size_t len = strlen(buf);
	snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", name);
}

/* True when the two configurations listen on the same addresses. */
static bool binds_equal(const struct config *a, const struct config *b)
{
	if (a->nbinds != b->nbinds)
		return false;
	for (int i = 0; i < a->nbinds; i++)
		if (strcmp(a->binds[i], b->binds[i]) != 0)
			return false;
	return true;
}

/* True when both have the same operator blocks, in the same order. */
static bool opers_equal(const struct config *a, const struct config *b)
{
	return a->nopers == b->nopers &&
	       (a->nopers == 0 ||
		memcmp(a->opers, b->opers, (size_t)a->nopers * sizeof *a->opers) == 0);
}

/* True when both MOTDs say the same (or both are absent). */
static bool motd_equal(const struct config *a, const struct config *b)
{
	if (!a->motd || !b->motd)
		return a->motd == b->motd;
	return strcmp(a->motd, b->motd) == 0;
}

bool config_flood_changed(const struct config *a, const struct config *b)
{
	return a->flood != b->flood || a->flood_rate != b->flood_rate ||
	       a->flood_burst != b->flood_burst;
}

void config_changes(const struct config *a, const struct config *b, char *live, size_t live_cap,
		    char *restart, size_t restart_cap)
{
	live[0] = restart[0] = '\0';
	const struct {
		bool changed, is_live;
		const char *name;
	} fields[] = {
		{!motd_equal(a, b), true, "motd"},
		{a->max_clients != b->max_clients, true, "max-clients"},
		{a->max_per_ip != b->max_per_ip, true, "max-per-ip"},
		{a->max_channels != b->max_channels, true, "max-channels"},
		{a->max_channels_per_user != b->max_channels_per_user, true,
		 "max-channels-per-user"},
		{a->announce_max != b->announce_max, true, "announce-max"},
		{config_flood_changed(a, b), true, "flood"},
		{a->sendq != b->sendq, true, "sendq"},
		{a->history != b->history, true, "history"},
		{a->reg_timeout != b->reg_timeout, true, "reg-timeout"},
		{a->ping_interval != b->ping_interval, true, "ping-interval"},
		{a->log_level != b->log_level, true, "log-level"},
		{strcmp(a->password, b->password) != 0, true, "password"},
		{!opers_equal(a, b), true, "oper"},
		{a->port != b->port, false, "port"},
		{!binds_equal(a, b), false, "bind"},
		{strcmp(a->name, b->name) != 0, false, "name"},
		{strcmp(a->data_dir, b->data_dir) != 0, false, "data-dir"},
		{a->history_sqlite != b->history_sqlite, false, "history-store"},
		{a->history_memory != b->history_memory, false, "history-memory"},
		{a->history_days != b->history_days, false, "history-days"},
		{a->history_max != b->history_max, false, "history-max"},
		{a->max_klines != b->max_klines, false, "max-klines"},
		{strcmp(a->default_room, b->default_room) != 0, false, "default-room"},
		{a->trace != b->trace || a->trace_io != b->trace_io, false, "trace"},
		{a->step != b->step, false, "step"},
		{a->iterative != b->iterative, false, "iterative"},
		{a->backlog != b->backlog, false, "backlog"},
		{a->writers != b->writers, false, "writers"},
		{a->max_accounts != b->max_accounts, false, "max-accounts"},
		{a->allow_plaintext_auth != b->allow_plaintext_auth, false,
		 "allow-plaintext-auth"},
	};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		if (fields[i].changed) {
			if (fields[i].is_live)
				list_add(live, live_cap, fields[i].name);
			else
				list_add(restart, restart_cap, fields[i].name);
		}
}

void config_free(struct config *cfg)
{
	free(cfg->motd);
	cfg->motd = NULL;
	if (cfg->opers)
		explicit_bzero(cfg->opers, CONFIG_OPERS_MAX * sizeof *cfg->opers);
	free(cfg->opers);
	cfg->opers = NULL;
	cfg->nopers = 0;
	if (cfg->file) {
		conffile_free(cfg->file);
		free(cfg->file);
		cfg->file = NULL;
	}
}
