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

#include "endpoint.h"
#include "ircname.h"
#include "xalloc.h"

#define MOTD_SIZE_MAX (64 * 1024)

static const char usage_text[] =
	"Usage: parleyd [OPTION]...\n"
	"A multithreaded chat server: IRC clients and plain nc/telnet users share rooms.\n"
	"\n"
	"  -p, --port N             TCP port (default 6667; 0 picks a free one)\n"
	"  -b, --bind ADDR          address to listen on, repeatable (default: all IPv6 and IPv4)\n"
	"  -n, --name NAME          server name (default parley)\n"
	"  -m, --motd FILE          message of the day shown after registration\n"
	"  -P, --password PASS      connection password (IRC PASS; plain users are asked)\n"
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
	"      --fingerprint        print the TLS key's SHA-256 (SPKI) fingerprint and exit\n"
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

/* Applies one option; returns 0 or -1 with *error set. */
static int apply_option(struct config *cfg, int opt, const char *arg, char **error)
{
	long v;
	switch (opt) {
	case 'p':
		if (parse_int(arg, 0, 65535, &v) < 0)
			goto bad;
		cfg->port = (int)v;
		return 0;
	case 'b': {
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
			*error = error_new("invalid value for --%s: '%s'", o->name, arg);
			return -1;
		}
	*error = error_new("invalid option value '%s'", arg);
	return -1;
}

enum config_result config_parse(struct config *cfg, int argc, char **argv, char **error)
{
	config_defaults(cfg);
	*error = NULL;
	optind = 1;
	opterr = 0;
	int opt;
	while ((opt = getopt_long(argc, argv, ":p:b:n:m:P:c:i:q:f:H:r:tl:hV", long_options,
				  NULL)) != -1) {
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
		default:
			if (apply_option(cfg, opt, optarg, error) < 0)
				return CONFIG_EXIT_ERROR;
		}
	}
	if (optind < argc) {
		*error = error_new("unexpected argument '%s' (see --help)", argv[optind]);
		return CONFIG_EXIT_ERROR;
	}
	if (tls_options_check(cfg, error) < 0)
		return CONFIG_EXIT_ERROR;
	return CONFIG_RUN;
}

void config_free(struct config *cfg)
{
	free(cfg->motd);
	cfg->motd = NULL;
}
