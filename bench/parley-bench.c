/* parley-bench: an IRC load generator for parleyd and any other IRC server.
 *
 * One process, one epoll loop, thousands of connections to a loopback server.
 * Clients register (NICK/USER, wait for 001), join their room (round-robin),
 * then the first --senders of them send PRIVMSGs carrying
 * "b <sender> <seq> <send-ns>" plus padding, paced at --rate per sender (or as
 * fast as the server takes them, at most --window in flight per sender). Every
 * client checks per-sender order and hashes the order it saw its room in; the
 * report gives loss, reordering, latency percentiles, throughput, set-up time,
 * the server's CPU/RSS/threads from /proc and the generator's own CPU time.
 *
 * A join storm (--storm N) adds N clients that only connect, register and
 * join one room of their own, starting --storm-after seconds into the load;
 * they run in a child process with its own event loop, so the JOIN flood
 * they read does not delay the measuring loop. Latency of messages sent from
 * --storm-after until the storm is complete (or the load ends) is reported
 * separately ("window"); a run without --storm but with the same
 * --storm-after measures the same window undisturbed, for comparison.
 *
 * With --tls every connection speaks TLS (OpenSSL, no certificate check:
 * see tls_init). --handshakes N measures connection set-up alone: N clients
 * connect (TLS handshake with --tls), register and leave on 001, at most
 * --connect-window at once; the report gives handshakes per second.
 *
 * Everything is bounded: set-up by --setup-timeout, load by --duration, the
 * drain by --drain, and the whole run by a hard deadline after them. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "hist.h"
#include "ircmsg.h"
#include "linebuf.h"
#include "xalloc.h"

#define BENCH_LINE_MAX 8192          /* longest line taken from the server */
#define BENCH_READ_AHEAD (64 * 1024) /* a busy client reads bursts in one recv() */
#define BENCH_OUT_LIMIT (256 * 1024) /* a sender stops generating above this */
#define BENCH_PAYLOAD_MIN 48
#define BENCH_PAYLOAD_MAX 400
#define BENCH_NICK_MAX 30
#define BENCH_RECORD_MAX (32u * 1024 * 1024) /* order items kept in total */
#define BENCH_SAMPLE_NS 200000000LL  /* server /proc sampling period */
#define BENCH_HARD_SLACK_S 30        /* hard deadline after setup+duration+drain */
#define BENCH_EVENTS 1024
#define NS_PER_S 1000000000LL
#define BENCH_CTL_ID UINT32_MAX      /* epoll id of the storm control pipe */
#define BENCH_STORM_STOP_S 30        /* wait for the storm process to finish */

enum conn_state {
	ST_IDLE,       /* not yet connected */
	ST_CONNECTING, /* non-blocking connect in progress */
	ST_HANDSHAKING, /* --tls: TLS handshake in progress */
	ST_REGISTERING,
	ST_JOINING,
	ST_JOINED,
	ST_CLOSED,
};

struct sender;

struct conn {
	int fd;
	SSL *ssl;         /* --tls only */
	bool reread;      /* --tls: decrypted input may wait inside OpenSSL */
	int id;
	int room;
	enum conn_state state;
	int nick_tries;
	char nick[BENCH_NICK_MAX + 1];
	struct linebuf lb;
	char *out;
	size_t out_len, out_off, out_cap;
	bool want_out;    /* EPOLLOUT armed */
	bool dirty;       /* on the flush list */
	uint32_t *last_seq; /* per sender: last seq seen (0 = none) */
	uint64_t hash;    /* order hash of the room, recorder's messages left out */
	uint64_t deliveries;
	struct sender *sender; /* NULL unless this client sends */
};

struct sender {
	struct conn *conn;
	uint32_t sent;       /* last seq sent */
	uint32_t completed;  /* every seq <= this was delivered to all */
	uint32_t expected;   /* deliveries each message should make */
	uint32_t *ring;      /* window slots: deliveries per in-flight seq */
	long long phase_ns;  /* offset of this sender's schedule */
};

struct room {
	int members;         /* clients assigned */
	int joined;
	int recorder;        /* client whose full order is kept */
	uint64_t *items;     /* (sender << 32 | seq) as the recorder saw them */
	size_t nitems, cap;
	bool overflow;       /* record budget exhausted: order not checked */
};

struct options {
	const char *host;
	int port;
	int clients;
	int senders;
	double rate;
	int window;
	double duration;
	int rooms;
	int payload;
	double connect_rate;
	int connect_window;
	bool idle;
	int server_pid;
	double drain;
	double setup_timeout;
	const char *nick_prefix;
	const char *room_prefix;
	bool json;
	bool quiet;
	bool tls;           /* connect with TLS */
	int handshakes;     /* > 0: measure N connect+handshake+registrations */
	int storm;          /* join-storm clients (child process) */
	double storm_after; /* seconds into the load: storm start, window start */
};

/* What the storm process tells the measuring one (fixed size, one write). */
struct storm_report {
	int joined;
	int disconnects;
	int connect_errors;
	int join_errors;
	long long t_joined; /* CLOCK_MONOTONIC ns when all had joined, 0 if not */
	int final;          /* 0: the storm is over; 1: last report, exiting */
};

struct srvstat {
	bool ok;
	double cpu_s;
	long rss_kib;
	long threads;
};

static struct options opt = {
	.host = "127.0.0.1",
	.port = 6667,
	.clients = 100,
	.senders = -1,
	.rate = 10,
	.window = 32,
	.duration = 10,
	.rooms = 1,
	.payload = 64,
	.connect_rate = 0,
	.connect_window = 8,
	.server_pid = 0,
	.drain = 5,
	.setup_timeout = 120,
	.nick_prefix = "pb",
	.room_prefix = "#bench",
};

static struct conn *conns;
static struct sender *senders;
static struct room *rooms;
static int epfd = -1;
static struct sockaddr_storage target;
static socklen_t target_len;
static struct hist latency;
static struct hist win_latency; /* messages sent inside the window */
static int *flush_list;
static int flush_count;
static char *payload_pad;
static size_t record_used;
static volatile sig_atomic_t interrupted;

/* counters */
static int n_connected, n_registered, n_joined, n_closed;
static int n_connect_errors, n_disconnects, n_join_errors;
static int n_in_flight_connects;
static int n_handshakes; /* --handshakes: registrations completed */
static SSL_CTX *tls_ctx;
static int *reread_list; /* --tls: connections to read again without an event */
static int *reread_spare;
static int reread_count; /* connecting, registering or joining */
static uint64_t total_sent, total_expected, total_deliveries;
static uint64_t total_ooo, total_gaps, total_foreign, send_stalls;
static long long t_first_delivery, t_last_delivery;
static bool load_running;
/* The window and the storm (see the top of the file). */
static long long t_win_start, t_win_end; /* 0: not set */
static uint64_t win_deliveries;
static int storm_go_fd = -1, storm_report_fd = -1; /* parent's ends */
static pid_t storm_pid;
static struct storm_report storm_first, storm_last; /* first and final report */
static bool is_storm_process;
static bool storm_done, storm_gone;
static long long t_storm_start;
static bool storm_stop; /* in the storm process: the parent said stop */
static struct srvstat srv_peak;
static char first_error[256];

/* Monotonic time in nanoseconds. */
static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* Prints a message and exits with status 2 (usage or set-up error). */
static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "parley-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* Keeps the first unexpected server reply, to show in the summary. */
static void note_error(const struct conn *c, const char *what)
{
	if (first_error[0] == '\0')
		snprintf(first_error, sizeof first_error, "client %d (%s): %.200s", c->id,
			 c->nick, what);
}

static const char usage_text[] =
	"Usage: parley-bench --port N [OPTION]...\n"
	"IRC load generator for a server on this machine (loopback addresses only).\n"
	"\n"
	"  -H, --host ADDR          server address, 127.0.0.0/8 or ::1 (default 127.0.0.1)\n"
	"  -p, --port N             server port (default 6667)\n"
	"  -c, --clients N          connections (default 100)\n"
	"  -s, --senders N          how many of them send (default: all)\n"
	"  -r, --rate R             messages per second per sender; 0 = as fast as the\n"
	"                           server takes them, at most --window in flight (default 10)\n"
	"  -w, --window N           messages in flight per sender when --rate 0 (default 32)\n"
	"  -d, --duration S         seconds of load, or of holding with --idle (default 10)\n"
	"  -R, --rooms N            rooms, assigned round-robin (default 1)\n"
	"  -P, --payload BYTES      message text length, 48..400 (default 64)\n"
	"  -C, --connect-rate R     new connections per second; 0 = no limit (default 0)\n"
	"  -W, --connect-window N   at most N clients connecting/registering/joining at\n"
	"                           once (default 8: ngircd listens with a backlog of 10)\n"
	"  -i, --idle               connect, register, join and hold: no messages\n"
	"  -S, --server-pid PID     read the server's CPU, RSS and threads from /proc\n"
	"  -D, --drain S            wait this long after sending stops (default 5)\n"
	"  -T, --setup-timeout S    give up connecting/joining after this (default 120)\n"
	"  -n, --nick-prefix TEXT   nicknames are TEXT<number> (default pb)\n"
	"      --room-prefix TEXT   rooms are TEXT-<number> (default #bench)\n"
	"      --storm N            join storm: N more clients (nicks TEXTs<number>) connect,\n"
	"                           register and join TEXT-storm-0 from --storm-after on, in\n"
	"                           a child process; they send nothing (default 0)\n"
	"      --storm-after S      start of the storm and of the measuring window, in seconds\n"
	"                           after the load began; the window ends when the storm is\n"
	"                           complete, else with the load (default 0)\n"
	"      --tls                connect with TLS (the certificate is not checked)\n"
	"      --handshakes N       measure set-up alone: N clients connect (and handshake\n"
	"                           with --tls), register and leave on 001, at most\n"
	"                           --connect-window at once; reports handshakes/s\n"
	"  -j, --json               print the result as one JSON object, not RESULT k=v\n"
	"  -q, --quiet              only the final RESULT line\n"
	"  -h, --help               show this help and exit\n"
	"\n"
	"Exit status: 0 clean run; 1 run finished but something was lost, reordered,\n"
	"disconnected or never joined; 2 usage or set-up error.\n";

/* Parses a number within [min, max] or dies naming the option. */
static double parse_num(const char *name, const char *text, double min, double max)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (errno || end == text || *end != '\0' || !(v >= min && v <= max))
		die("--%s: expected a number from %g to %g, got '%s'", name, min, max, text);
	return v;
}

/* True when the address is on the loopback interface. */
static bool addr_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return true;
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			return in6->sin6_addr.s6_addr[12] == 127;
	}
	return false;
}

/* Resolves --host and refuses anything that is not loopback. */
static void resolve_target(void)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
	struct addrinfo *res;
	char port[16];
	snprintf(port, sizeof port, "%d", opt.port);
	int rc = getaddrinfo(opt.host, port, &hints, &res);
	if (rc != 0)
		die("cannot resolve %s: %s", opt.host, gai_strerror(rc));
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		if (!addr_is_loopback(ai->ai_addr)) {
			freeaddrinfo(res);
			die("refusing %s: not a loopback address; parley-bench only loads servers "
			    "on this machine (127.0.0.0/8 or ::1)", opt.host);
		}
	}
	memcpy(&target, res->ai_addr, res->ai_addrlen);
	target_len = res->ai_addrlen;
	freeaddrinfo(res);
}

static void tls_init(void);

/* Reads the command line into opt. */
static void parse_options(int argc, char **argv)
{
	enum { OPT_ROOM_PREFIX = 1000, OPT_STORM, OPT_STORM_AFTER, OPT_TLS, OPT_HANDSHAKES };
	static const struct option longopts[] = {
		{"host", required_argument, NULL, 'H'},
		{"port", required_argument, NULL, 'p'},
		{"clients", required_argument, NULL, 'c'},
		{"senders", required_argument, NULL, 's'},
		{"rate", required_argument, NULL, 'r'},
		{"window", required_argument, NULL, 'w'},
		{"duration", required_argument, NULL, 'd'},
		{"rooms", required_argument, NULL, 'R'},
		{"payload", required_argument, NULL, 'P'},
		{"connect-rate", required_argument, NULL, 'C'},
		{"connect-window", required_argument, NULL, 'W'},
		{"idle", no_argument, NULL, 'i'},
		{"server-pid", required_argument, NULL, 'S'},
		{"drain", required_argument, NULL, 'D'},
		{"setup-timeout", required_argument, NULL, 'T'},
		{"nick-prefix", required_argument, NULL, 'n'},
		{"room-prefix", required_argument, NULL, OPT_ROOM_PREFIX},
		{"storm", required_argument, NULL, OPT_STORM},
		{"storm-after", required_argument, NULL, OPT_STORM_AFTER},
		{"tls", no_argument, NULL, OPT_TLS},
		{"handshakes", required_argument, NULL, OPT_HANDSHAKES},
		{"json", no_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "H:p:c:s:r:w:d:R:P:C:W:iS:D:T:n:jqh", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'H': opt.host = optarg; break;
		case 'p': opt.port = (int)parse_num("port", optarg, 1, 65535); break;
		case 'c': opt.clients = (int)parse_num("clients", optarg, 1, 1000000); break;
		case 's': opt.senders = (int)parse_num("senders", optarg, 0, 1000000); break;
		case 'r': opt.rate = parse_num("rate", optarg, 0, 1e6); break;
		case 'w': opt.window = (int)parse_num("window", optarg, 1, 1 << 20); break;
		case 'd': opt.duration = parse_num("duration", optarg, 0, 86400); break;
		case 'R': opt.rooms = (int)parse_num("rooms", optarg, 1, 1000000); break;
		case 'P':
			opt.payload = (int)parse_num("payload", optarg, BENCH_PAYLOAD_MIN,
						     BENCH_PAYLOAD_MAX);
			break;
		case 'C': opt.connect_rate = parse_num("connect-rate", optarg, 0, 1e7); break;
		case 'W':
			opt.connect_window = (int)parse_num("connect-window", optarg, 1, 1000000);
			break;
		case 'i': opt.idle = true; break;
		case 'S': opt.server_pid = (int)parse_num("server-pid", optarg, 1, INT_MAX); break;
		case 'D': opt.drain = parse_num("drain", optarg, 0, 3600); break;
		case 'T': opt.setup_timeout = parse_num("setup-timeout", optarg, 1, 86400); break;
		case 'n': opt.nick_prefix = optarg; break;
		case OPT_ROOM_PREFIX: opt.room_prefix = optarg; break;
		case OPT_STORM: opt.storm = (int)parse_num("storm", optarg, 0, 1000000); break;
		case OPT_STORM_AFTER:
			opt.storm_after = parse_num("storm-after", optarg, 0, 86400);
			break;
		case OPT_TLS: opt.tls = true; break;
		case OPT_HANDSHAKES:
			opt.handshakes = (int)parse_num("handshakes", optarg, 1, 1000000);
			break;
		case 'j': opt.json = true; break;
		case 'q': opt.quiet = true; break;
		case 'h': fputs(usage_text, stdout); exit(0);
		default: fputs(usage_text, stderr); exit(2);
		}
	}
	if (optind != argc)
		die("unexpected argument '%s' (see --help)", argv[optind]);
	if (opt.handshakes > 0) {
		if (opt.storm > 0)
			die("--handshakes: not with --storm");
		opt.clients = opt.handshakes;
		opt.idle = true;
		opt.duration = 0;
	}
	if (opt.senders < 0 || opt.senders > opt.clients)
		opt.senders = opt.clients;
	if (opt.idle)
		opt.senders = 0;
	if (opt.rooms > opt.clients)
		opt.rooms = opt.clients;
	if (strlen(opt.nick_prefix) == 0 || strlen(opt.nick_prefix) > 8 ||
	    strspn(opt.nick_prefix, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") !=
		    strlen(opt.nick_prefix))
		die("--nick-prefix: 1 to 8 letters");
	if (opt.storm_after > opt.duration)
		die("--storm-after: must be within --duration (%g s)", opt.duration);
	if (opt.storm > 0 && opt.idle)
		die("--storm: measures the senders' latency; not with --idle");
	if (opt.room_prefix[0] != '#' || strlen(opt.room_prefix) > 30 ||
	    strpbrk(opt.room_prefix, " ,:\a\r\n"))
		die("--room-prefix: '#' and up to 29 characters without space, comma or ':'");
	if ((double)opt.clients * opt.senders > 200e6)
		die("--clients x --senders too large for per-sender order tracking");
	resolve_target();
	if (opt.tls)
		tls_init();
}

/* Raises RLIMIT_NOFILE to its hard limit and checks it covers the clients. */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		die("getrlimit: %s", strerror(errno));
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		die("setrlimit(RLIMIT_NOFILE, %llu): %s", (unsigned long long)rl.rlim_max,
		    strerror(errno));
	/* The storm process holds its own connections, not ours. */
	int most = opt.clients > opt.storm ? opt.clients : opt.storm;
	if (rl.rlim_cur < (rlim_t)most + 32)
		die("open-file limit %llu is too low for %d clients (need %d); raise it "
		    "(ulimit -n) as root", (unsigned long long)rl.rlim_cur, most, most + 32);
}

/* Reads utime+stime, VmRSS and Threads of the server from /proc. */
static struct srvstat server_sample(void)
{
	struct srvstat st = {0};
	if (opt.server_pid <= 0)
		return st;
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/stat", opt.server_pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return st;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p)
		return st;
	/* After ") ": state(3) ... utime is field 14, stime 15. */
	unsigned long long utime = 0, stime = 0;
	int field = 2;
	for (char *tok = strtok(p + 1, " "); tok; tok = strtok(NULL, " ")) {
		field++;
		if (field == 14)
			utime = strtoull(tok, NULL, 10);
		else if (field == 15) {
			stime = strtoull(tok, NULL, 10);
			break;
		}
	}
	st.cpu_s = (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
	snprintf(path, sizeof path, "/proc/%d/status", opt.server_pid);
	f = fopen(path, "r");
	if (!f)
		return st;
	while (fgets(buf, sizeof buf, f)) {
		if (strncmp(buf, "VmRSS:", 6) == 0)
			st.rss_kib = strtol(buf + 6, NULL, 10);
		else if (strncmp(buf, "Threads:", 8) == 0)
			st.threads = strtol(buf + 8, NULL, 10);
	}
	fclose(f);
	st.ok = true;
	if (st.rss_kib > srv_peak.rss_kib)
		srv_peak.rss_kib = st.rss_kib;
	if (st.threads > srv_peak.threads)
		srv_peak.threads = st.threads;
	return st;
}

/* Generator CPU seconds (user + system) so far. */
static void self_cpu(double *user, double *sys)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	*user = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	*sys = (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Re-arms epoll for c: always readable, writable only while output waits. */
static void conn_arm(struct conn *c, bool want_out)
{
	if (c->want_out == want_out)
		return;
	struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0u),
				 .data.u32 = (uint32_t)c->id};
	if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) != 0)
		die("epoll_ctl: %s", strerror(errno));
	c->want_out = want_out;
}

/* Closes a connection and accounts for it. */
static void conn_close(struct conn *c, bool unexpected)
{
	if (c->state == ST_CLOSED)
		return;
	if (c->state == ST_CONNECTING || c->state == ST_HANDSHAKING ||
	    c->state == ST_REGISTERING || c->state == ST_JOINING)
		n_in_flight_connects--;
	if (c->state == ST_JOINED) {
		n_joined--;
		rooms[c->room].joined--;
	}
	if (c->ssl) {
		SSL_free(c->ssl); /* no close_notify: the server sees the TCP close */
		c->ssl = NULL;
	}
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
	if (unexpected)
		n_disconnects++;
	c->state = ST_CLOSED;
	n_closed++;
	c->out_len = c->out_off = 0;
}

/* The TLS client context. The server's certificate is deliberately not
 * verified (SSL_VERIFY_NONE): parley-bench only talks to a server on this
 * machine's loopback, usually one just started with a throwaway certificate,
 * and measures it; nothing it sends is secret. Partial writes and a moving
 * write buffer suit the output queue (the unsent rest moves to the front). */
static void tls_init(void)
{
	tls_ctx = SSL_CTX_new(TLS_client_method());
	if (!tls_ctx)
		die("cannot make a TLS context");
	SSL_CTX_set_verify(tls_ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_min_proto_version(tls_ctx, TLS1_2_VERSION);
	SSL_CTX_set_mode(tls_ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
					  SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_session_cache_mode(tls_ctx, SSL_SESS_CACHE_OFF); /* full handshakes */
}

/* Maps a failed SSL call onto send/recv's answers (EAGAIN, 0 for the end). */
static ssize_t tls_failure(struct conn *c, int r, int saved_errno)
{
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		ERR_clear_error();
		if (saved_errno == 0)
			return 0;
		errno = saved_errno;
		return -1;
	default:
		ERR_clear_error();
		errno = EPROTO;
		return -1;
	}
}

/* send() or SSL_write(), non-blocking. */
static ssize_t io_send(struct conn *c, const char *data, size_t len)
{
	if (!c->ssl)
		return send(c->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	errno = 0;
	int r = SSL_write(c->ssl, data, len > INT_MAX ? INT_MAX : (int)len);
	return r > 0 ? r : tls_failure(c, r, errno);
}

/* recv() or SSL_read(), non-blocking. */
static ssize_t io_recv(struct conn *c, char *buf, size_t cap)
{
	if (!c->ssl)
		return recv(c->fd, buf, cap, MSG_DONTWAIT);
	errno = 0;
	int r = SSL_read(c->ssl, buf, cap > INT_MAX ? INT_MAX : (int)cap);
	return r > 0 ? r : tls_failure(c, r, errno);
}

/* Appends bytes to c's output; they go out at the next flush. */
static void conn_queue(struct conn *c, const char *data, size_t len)
{
	if (c->state == ST_CLOSED)
		return;
	if (c->out_off > 0 && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + len > c->out_cap) {
		if (c->out_off > 0) {
			memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
			c->out_len -= c->out_off;
			c->out_off = 0;
		}
		if (c->out_len + len > c->out_cap) {
			size_t cap = c->out_cap ? c->out_cap : 1024;
			while (cap < c->out_len + len)
				cap *= 2;
			c->out = xrealloc(c->out, cap);
			c->out_cap = cap;
		}
	}
	memcpy(c->out + c->out_len, data, len);
	c->out_len += len;
	if (!c->dirty) {
		c->dirty = true;
		flush_list[flush_count++] = c->id;
	}
}

/* Formats and queues one line. */
static void conn_printf(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void conn_printf(struct conn *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof buf)
		die("internal: line too long");
	conn_queue(c, buf, (size_t)n);
}

/* Writes as much queued output as the socket takes. */
static void conn_flush(struct conn *c)
{
	while (c->state != ST_CLOSED && c->out_off < c->out_len) {
		ssize_t n = io_send(c, c->out + c->out_off, c->out_len - c->out_off);
		if (n > 0) {
			c->out_off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			conn_arm(c, true);
			return;
		}
		note_error(c, n < 0 ? strerror(errno) : "send returned 0");
		conn_close(c, true);
		return;
	}
	if (c->state != ST_CLOSED) {
		c->out_off = c->out_len = 0;
		conn_arm(c, false);
	}
}

/* Flushes every connection that got output in this round. */
static void flush_all(void)
{
	for (int i = 0; i < flush_count; i++) {
		struct conn *c = &conns[flush_list[i]];
		c->dirty = false;
		conn_flush(c);
	}
	flush_count = 0;
}

/* Sends the registration lines under the current nickname. */
static void conn_register(struct conn *c)
{
	conn_printf(c, "NICK %s\r\nUSER %s 0 * :parley-bench %d\r\n", c->nick, c->nick,
		    c->id);
}

/* One step of the TLS handshake; registers once it is done. */
static void conn_handshake(struct conn *c)
{
	int r = SSL_do_handshake(c->ssl);
	if (r == 1) {
		c->state = ST_REGISTERING;
		conn_arm(c, false);
		conn_register(c);
		return;
	}
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		conn_arm(c, false);
		return;
	case SSL_ERROR_WANT_WRITE:
		conn_arm(c, true);
		return;
	default: {
		char why[200] = "TLS handshake failed";
		unsigned long e = ERR_peek_last_error();
		if (e)
			ERR_error_string_n(e, why, sizeof why);
		ERR_clear_error();
		note_error(c, why);
		n_connect_errors++;
		conn_close(c, false);
	}
	}
}

/* Starts a non-blocking connect for client c. */
static void conn_start(struct conn *c)
{
	int fd = socket(target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		if (first_error[0] == '\0')
			snprintf(first_error, sizeof first_error, "socket: %s", strerror(errno));
		n_connect_errors++;
		c->state = ST_CLOSED;
		n_closed++;
		return;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->fd = fd;
	c->want_out = true;
	struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)c->id};
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		die("epoll_ctl: %s", strerror(errno));
	c->state = ST_CONNECTING;
	n_in_flight_connects++;
	if (connect(fd, (struct sockaddr *)&target, target_len) != 0 && errno != EINPROGRESS) {
		note_error(c, strerror(errno));
		n_connect_errors++;
		conn_close(c, false);
	}
}

/* The connect finished (writable): check it and register. */
static void conn_connected(struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof err;
	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err != 0) {
		note_error(c, strerror(err));
		n_connect_errors++;
		conn_close(c, false);
		return;
	}
	n_connected++;
	if (opt.tls) {
		c->ssl = SSL_new(tls_ctx);
		if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1)
			die("cannot make a TLS connection object");
		SSL_set_connect_state(c->ssl);
		c->state = ST_HANDSHAKING;
		conn_handshake(c);
		return;
	}
	c->state = ST_REGISTERING;
	conn_arm(c, false);
	conn_register(c);
}

/* The sender index a client id maps to, or -1. */
static inline int sender_of(const struct conn *c)
{
	return c->sender ? (int)(c->sender - senders) : -1;
}

/* Mixes an order item into a hash (FNV-1a style over a 64-bit item). */
static inline uint64_t hash_step(uint64_t h, uint64_t item)
{
	h ^= item * 0x9E3779B97F4A7C15ULL;
	h *= 0x100000001B3ULL;
	return h ^ (h >> 29);
}

/* Reads the digits at p (at most 19, so it cannot overflow); *end is set to
 * the first byte after them. strtoul's locale and sign handling cost a fifth
 * of the generator's CPU at saturation. */
static inline unsigned long long parse_decimal(const char *p, char **end)
{
	unsigned long long v = 0;
	int digits = 0;
	while (*p >= '0' && *p <= '9' && digits++ < 19)
		v = v * 10 + (unsigned)(*p++ - '0');
	*end = (char *)p;
	return v;
}

/* Counts a delivered benchmark message at receiver c. */
static void on_bench_message(struct conn *c, const char *text, long long t_now)
{
	unsigned long sidx, seq;
	long long sent_ns;
	char *end;
	/* text: "b <sender> <seq> <ns> pad" */
	sidx = parse_decimal(text + 2, &end);
	if (*end != ' ')
		goto foreign;
	seq = parse_decimal(end + 1, &end);
	if (*end != ' ')
		goto foreign;
	sent_ns = (long long)parse_decimal(end + 1, &end);
	if (sidx >= (unsigned long)opt.senders || seq == 0 || seq > UINT32_MAX)
		goto foreign;

	struct sender *s = &senders[sidx];
	c->deliveries++;
	total_deliveries++;
	if (t_first_delivery == 0)
		t_first_delivery = t_now;
	t_last_delivery = t_now;
	if (t_now >= sent_ns) {
		hist_add(&latency, (uint64_t)(t_now - sent_ns));
		if (t_win_start && sent_ns >= t_win_start && (!t_win_end || sent_ns < t_win_end)) {
			hist_add(&win_latency, (uint64_t)(t_now - sent_ns));
			win_deliveries++;
		}
	}

	uint32_t last = c->last_seq[sidx];
	if (seq <= last)
		total_ooo++;
	else {
		if (seq > (unsigned long)last + 1)
			total_gaps++;
		c->last_seq[sidx] = (uint32_t)seq;
	}

	uint64_t item = ((uint64_t)sidx << 32) | seq;
	struct room *r = &rooms[c->room];
	if (r->recorder == c->id) {
		if (record_used < BENCH_RECORD_MAX) {
			if (r->nitems == r->cap) {
				r->cap = r->cap ? r->cap * 2 : 4096;
				r->items = xrealloc(r->items, r->cap * sizeof *r->items);
			}
			r->items[r->nitems++] = item;
			record_used++;
		} else
			r->overflow = true;
	} else if (sender_of(&conns[r->recorder]) != (int)sidx)
		c->hash = hash_step(c->hash, item);

	/* Window accounting (rate 0): a seq completes when all got it. */
	if (seq > s->completed && seq <= s->sent && seq - s->completed <= (unsigned long)opt.window) {
		uint32_t *slot = &s->ring[seq % (uint32_t)opt.window];
		(*slot)++;
		while (s->completed < s->sent) {
			uint32_t *next = &s->ring[(s->completed + 1) % (uint32_t)opt.window];
			if (*next < s->expected)
				break;
			*next = 0;
			s->completed++;
		}
	}
	return;
foreign:
	total_foreign++;
}

/* Compares the nick in a ":nick!user@host" prefix with ours. */
static bool prefix_is(const char *prefix, size_t plen, const char *nick)
{
	size_t n = strlen(nick);
	return plen >= n && strncasecmp(prefix, nick, n) == 0 && (plen == n || prefix[n] == '!');
}

/* Numerics that refuse a JOIN (channel full, banned, too many channels...). */
static bool join_refused(int num)
{
	switch (num) {
	case 403: case 405: case 437: case 451: case 471: case 473: case 474: case 475:
	case 476: case 477: case 479: case 480: case 489:
		return true;
	default:
		return false;
	}
}

/* Handles one line from the server. */
static void conn_line(struct conn *c, char *line, long long t_now)
{
	char *p = line;
	const char *prefix = NULL;
	size_t plen = 0;
	if (*p == '@') { /* tags: skip */
		p = strchr(p, ' ');
		if (!p)
			return;
		while (*p == ' ')
			p++;
	}
	if (*p == ':') {
		prefix = p + 1;
		char *sp = strchr(p, ' ');
		if (!sp)
			return;
		plen = (size_t)(sp - prefix);
		p = sp;
		while (*p == ' ')
			p++;
	}
	char *cmd = p;
	char *sp = strchr(p, ' ');
	size_t clen = sp ? (size_t)(sp - p) : strlen(p);
	char *rest = sp ? sp + 1 : p + clen;

	/* Fast path for the bulk of the traffic: a relayed benchmark message. */
	if (clen == 7 && memcmp(cmd, "PRIVMSG", 7) == 0) {
		char *colon = strstr(rest, " :");
		if (colon && colon[2] == 'b' && colon[3] == ' ')
			on_bench_message(c, colon + 2, t_now);
		else
			total_foreign++;
		return;
	}
	if (clen == 4 && memcmp(cmd, "JOIN", 4) == 0) {
		if (c->state == ST_JOINING && prefix && prefix_is(prefix, plen, c->nick)) {
			c->state = ST_JOINED;
			n_in_flight_connects--;
			n_joined++;
			rooms[c->room].joined++;
		}
		return;
	}
	if (clen == 4 && memcmp(cmd, "PING", 4) == 0) {
		conn_printf(c, "PONG %s\r\n", rest);
		return;
	}
	if (clen == 5 && memcmp(cmd, "ERROR", 5) == 0) {
		note_error(c, line);
		conn_close(c, true);
		return;
	}
	if (clen == 3 && cmd[0] >= '0' && cmd[0] <= '9') {
		int num = atoi(cmd);
		if (num == 1 && c->state == ST_REGISTERING && opt.handshakes > 0) {
			n_registered++;
			n_handshakes++;
			conn_close(c, false); /* done: make room for the next */
		} else if (num == 1 && c->state == ST_REGISTERING) {
			c->state = ST_JOINING;
			n_registered++;
			conn_printf(c, "JOIN %s-%d\r\n", opt.room_prefix, c->room);
		} else if ((num == 433 || num == 436) && c->state == ST_REGISTERING) {
			if (++c->nick_tries > 5) {
				note_error(c, line);
				conn_close(c, true);
				return;
			}
			snprintf(c->nick, sizeof c->nick, "%s%d%c", opt.nick_prefix, c->id,
				 'a' + c->nick_tries - 1);
			conn_printf(c, "NICK %s\r\n", c->nick);
		} else if (c->state == ST_JOINING && join_refused(num)) {
			note_error(c, line);
			n_join_errors++;
			conn_close(c, false);
		} else if ((num == 432 || num == 451 || num == 464 || num == 465) &&
			   c->state == ST_REGISTERING) {
			note_error(c, line);
			conn_close(c, true);
		}
	}
}

/* Reads what the server sent and handles every complete line. */
static void conn_read(struct conn *c)
{
	for (int round = 0; round < 8 && c->state != ST_CLOSED; round++) {
		size_t avail;
		char *space = linebuf_space(&c->lb, &avail);
		ssize_t n = io_recv(c, space, avail);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			note_error(c, strerror(errno));
			conn_close(c, true);
			return;
		}
		if (n == 0) {
			note_error(c, "server closed the connection");
			conn_close(c, true);
			return;
		}
		linebuf_commit(&c->lb, (size_t)n);
		long long t_now = now_ns();
		char *line;
		size_t len;
		enum linebuf_status st;
		while (c->state != ST_CLOSED && (st = linebuf_next(&c->lb, &line, &len)) != LINEBUF_NONE) {
			if (st == LINEBUF_LINE)
				conn_line(c, line, t_now);
		}
		if ((size_t)n < avail && !(c->ssl && SSL_pending(c->ssl) > 0))
			return;
	}
	if (c->ssl && c->state != ST_CLOSED && !c->reread) {
		c->reread = true; /* rounds used up: OpenSSL may hold more input */
		reread_list[reread_count++] = c->id;
	}
}

/* Measuring process: reads the storm process's reports; end of file means
 * it has exited. */
static void storm_read_reports(void)
{
	for (int round = 0; round < 16; round++) {
		struct storm_report r;
		ssize_t n = read(storm_report_fd, &r, sizeof r);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n != (ssize_t)sizeof r) { /* end of file (one write each: never short) */
			storm_gone = true;
			epoll_ctl(epfd, EPOLL_CTL_DEL, storm_report_fd, NULL);
			return;
		}
		if (!storm_done && r.t_joined > 0 && !t_win_end)
			t_win_end = r.t_joined; /* the window closes with the storm */
		if (!storm_done)
			storm_first = r;
		storm_done = true;
		storm_last = r;
	}
}

/* Storm process: the parent wrote or closed the control pipe; a close means
 * stop. */
static void storm_read_control(void)
{
	char buf[16];
	ssize_t n = read(storm_go_fd, buf, sizeof buf);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		storm_stop = true;
		epoll_ctl(epfd, EPOLL_CTL_DEL, storm_go_fd, NULL);
	}
}

/* Handles one epoll event. */
static void on_event(struct epoll_event *ev)
{
	if (ev->data.u32 == BENCH_CTL_ID) {
		if (is_storm_process)
			storm_read_control();
		else
			storm_read_reports();
		return;
	}
	struct conn *c = &conns[ev->data.u32];
	if (c->state == ST_CLOSED)
		return;
	if (c->state == ST_CONNECTING) {
		if (ev->events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			conn_connected(c);
		return;
	}
	if (c->state == ST_HANDSHAKING) {
		conn_handshake(c);
		return;
	}
	if (ev->events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		conn_read(c);
	/* TLS: a write may have waited for input (SSL_ERROR_WANT_READ). */
	if (c->state != ST_CLOSED && ((ev->events & EPOLLOUT) || (c->ssl && c->out_len)))
		conn_flush(c);
}

/* --tls: reads again what OpenSSL may still hold for connections whose
 * read rounds ran out (epoll cannot tell about it). */
static void rereads_run(void)
{
	int count = reread_count;
	int *list = reread_list; /* conn_read fills the other list */
	reread_list = reread_spare;
	reread_spare = list;
	reread_count = 0;
	for (int i = 0; i < count; i++) {
		struct conn *c = &conns[list[i]];
		c->reread = false;
		if (c->state != ST_CLOSED)
			conn_read(c);
	}
}

/* Builds one benchmark message for sender s and queues it. */
static void sender_emit(struct sender *s, long long t_now)
{
	struct conn *c = s->conn;
	char buf[BENCH_PAYLOAD_MAX + 128];
	uint32_t seq = ++s->sent;
	int head = snprintf(buf, sizeof buf, "PRIVMSG %s-%d :b %d %" PRIu32 " %lld ",
			    opt.room_prefix, c->room, (int)(s - senders), seq, t_now);
	int text_start = (int)(strchr(buf, ':') - buf) + 1;
	int text_len = head - text_start;
	int pad = opt.payload - text_len;
	if (pad < 1)
		pad = 1;
	memcpy(buf + head, payload_pad, (size_t)pad);
	memcpy(buf + head + pad, "\r\n", 2);
	conn_queue(c, buf, (size_t)(head + pad + 2));
	total_sent++;
	total_expected += s->expected;
}

/* Generates every message that is due now. */
static void senders_run(long long t_load, long long t_now)
{
	for (int i = 0; i < opt.senders; i++) {
		struct sender *s = &senders[i];
		struct conn *c = s->conn;
		if (c->state != ST_JOINED)
			continue;
		if (opt.rate > 0) {
			long long since = t_now - t_load - s->phase_ns;
			if (since < 0)
				continue;
			uint64_t due = (uint64_t)((double)since * opt.rate / 1e9) + 1;
			while (s->sent < due) {
				if (c->out_len - c->out_off > BENCH_OUT_LIMIT) {
					send_stalls++;
					break;
				}
				sender_emit(s, t_now);
			}
		} else {
			while (s->sent - s->completed < (uint32_t)opt.window &&
			       c->out_len - c->out_off <= BENCH_OUT_LIMIT)
				sender_emit(s, t_now);
		}
	}
}

/* Time of sender i's next message, for the epoll timeout. */
static long long senders_next_due(long long t_load)
{
	if (opt.rate <= 0)
		return LLONG_MAX;
	long long best = LLONG_MAX;
	double period = 1e9 / opt.rate;
	for (int i = 0; i < opt.senders; i++) {
		const struct sender *s = &senders[i];
		long long t = t_load + s->phase_ns + (long long)((double)s->sent * period);
		if (t < best)
			best = t;
	}
	return best;
}

/* Starts as many connects as the rate limiter allows. */
static int connects_run(int next_client, long long t_setup, long long t_now)
{
	int allowed = opt.clients;
	if (opt.connect_rate > 0)
		allowed = (int)((double)(t_now - t_setup) * opt.connect_rate / 1e9) + 1;
	while (next_client < opt.clients && next_client < allowed &&
	       n_in_flight_connects < opt.connect_window) {
		conn_start(&conns[next_client]);
		next_client++;
	}
	return next_client;
}

/* One round of the event loop: wait until deadline at most, handle events,
 * flush output. */
static void loop_once(long long deadline)
{
	static struct epoll_event events[BENCH_EVENTS];
	long long t = now_ns();
	long long wait = deadline > t ? deadline - t : 0;
	if (wait > 100000000LL)
		wait = 100000000LL;
	struct timespec ts = {.tv_sec = wait / NS_PER_S, .tv_nsec = wait % NS_PER_S};
	if (reread_count > 0)
		ts = (struct timespec){0};
	int n = epoll_pwait2(epfd, events, BENCH_EVENTS, &ts, NULL);
	if (n < 0) {
		if (errno == EINTR)
			return;
		die("epoll_pwait2: %s", strerror(errno));
	}
	for (int i = 0; i < n; i++)
		on_event(&events[i]);
	rereads_run();
	flush_all();
}

/* Hashes of the recorder's order leaving out one sender's messages. */
static uint64_t room_reference(const struct room *r, int exclude_sender)
{
	uint64_t h = 0;
	for (size_t i = 0; i < r->nitems; i++) {
		if ((int)(r->items[i] >> 32) != exclude_sender)
			h = hash_step(h, r->items[i]);
	}
	return h;
}

/* Checks that every member saw its room in the recorder's order.
 * Returns the number of rooms with a mismatch; *checked gets how many rooms
 * could be checked (all members stayed, order record complete). */
static int order_check(int *checked)
{
	int mismatched = 0;
	*checked = 0;
	uint64_t *ref_by_sender = xcalloc((size_t)opt.senders + 1, sizeof *ref_by_sender);
	bool *have = xcalloc((size_t)opt.senders + 1, sizeof *have);
	for (int ri = 0; ri < opt.rooms; ri++) {
		struct room *r = &rooms[ri];
		if (r->overflow || r->joined != r->members || r->members < 2)
			continue;
		memset(have, 0, ((size_t)opt.senders + 1) * sizeof *have);
		bool bad = false;
		for (int id = ri; id < opt.clients && !bad; id += opt.rooms) {
			const struct conn *c = &conns[id];
			if (id == r->recorder)
				continue;
			int si = sender_of(c);
			int slot = si < 0 ? opt.senders : si;
			if (!have[slot]) {
				ref_by_sender[slot] = room_reference(r, si);
				have[slot] = true;
			}
			if (c->hash != ref_by_sender[slot])
				bad = true;
		}
		(*checked)++;
		if (bad)
			mismatched++;
	}
	free(ref_by_sender);
	free(have);
	return mismatched;
}

/* Sets up clients, rooms and senders. */
static void setup_state(void)
{
	conns = xcalloc((size_t)opt.clients, sizeof *conns);
	rooms = xcalloc((size_t)opt.rooms, sizeof *rooms);
	senders = xcalloc((size_t)opt.senders + 1, sizeof *senders);
	flush_list = xcalloc((size_t)opt.clients, sizeof *flush_list);
	reread_list = xcalloc((size_t)opt.clients, sizeof *reread_list);
	reread_spare = xcalloc((size_t)opt.clients, sizeof *reread_spare);
	payload_pad = xmalloc(BENCH_PAYLOAD_MAX + 1);
	memset(payload_pad, 'x', BENCH_PAYLOAD_MAX);
	for (int ri = 0; ri < opt.rooms; ri++)
		rooms[ri].recorder = -1;
	for (int i = 0; i < opt.clients; i++) {
		struct conn *c = &conns[i];
		c->id = i;
		c->fd = -1;
		c->room = i % opt.rooms;
		c->state = ST_IDLE;
		snprintf(c->nick, sizeof c->nick, "%s%d", opt.nick_prefix, i);
		linebuf_init(&c->lb, BENCH_LINE_MAX);
		if (!opt.idle) /* only load clients read bursts; 10,000 idle ones stay small */
			linebuf_read_ahead(&c->lb, BENCH_READ_AHEAD);
		if (opt.senders > 0)
			c->last_seq = xcalloc((size_t)opt.senders, sizeof *c->last_seq);
		struct room *r = &rooms[c->room];
		r->members++;
		/* The recorder: the room's first non-sender, else its first member. */
		if (r->recorder < 0 || (conns[r->recorder].sender && i >= opt.senders))
			r->recorder = i;
		if (i < opt.senders) {
			struct sender *s = &senders[i];
			s->conn = c;
			c->sender = s;
			s->ring = xcalloc((size_t)opt.window, sizeof *s->ring);
			if (opt.rate > 0)
				s->phase_ns = (long long)(1e9 / opt.rate * i / opt.senders);
		}
	}
	hist_init(&latency);
	hist_init(&win_latency);
}

/* Fills each sender's expected deliveries from the rooms as joined. */
static void senders_prepare(void)
{
	for (int i = 0; i < opt.senders; i++) {
		struct sender *s = &senders[i];
		int joined = rooms[s->conn->room].joined;
		s->expected = joined > 0 ? (uint32_t)(joined - 1) : 0;
	}
}

/* Phase 1: connects, registers and joins every client, until all are in or
 * closed, or the deadline. Returns when all were in (0 if they were not). */
static long long setup_run(long long t_start, long long deadline)
{
	long long next_sample = t_start + BENCH_SAMPLE_NS;
	int next_client = 0;
	while (!interrupted && !storm_stop) {
		long long t = now_ns();
		next_client = connects_run(next_client, t_start, t);
		flush_all();
		if (n_joined + n_closed >= opt.clients && next_client == opt.clients)
			return t;
		if (t >= deadline)
			break;
		if (t >= next_sample) {
			server_sample();
			next_sample = t + BENCH_SAMPLE_NS;
		}
		long long wake = deadline;
		if (opt.connect_rate > 0 && next_client < opt.clients)
			wake = t + 1000000LL;
		loop_once(wake);
	}
	return 0;
}

/* Writes one report to the measuring process. */
static void storm_report_send(long long t_joined, int final)
{
	struct storm_report r = {
		.joined = n_joined,
		.disconnects = n_disconnects,
		.connect_errors = n_connect_errors,
		.join_errors = n_join_errors,
		.t_joined = t_joined,
		.final = final,
	};
	ssize_t n;
	do
		n = write(storm_report_fd, &r, sizeof r);
	while (n < 0 && errno == EINTR);
}

/* The storm process: waits for the go, connects, registers and joins
 * --storm clients to TEXT-storm-0, reports, then holds them (reading what
 * the server sends) until the measuring process closes the control pipe or
 * the hard deadline passes, reports again and exits. Never returns. */
static void storm_main(int go_fd, int report_fd)
{
	is_storm_process = true;
	storm_go_fd = go_fd;
	storm_report_fd = report_fd;
	long long hard_deadline = now_ns() + (long long)((opt.setup_timeout + opt.duration +
							   opt.drain + BENCH_HARD_SLACK_S) * 1e9);
	char go;
	ssize_t n;
	do
		n = read(go_fd, &go, 1);
	while (n < 0 && errno == EINTR && !interrupted);
	if (n != 1)
		_exit(0); /* the measuring process ended before the storm */

	static char nick[16], room[48];
	snprintf(nick, sizeof nick, "%ss", opt.nick_prefix);
	snprintf(room, sizeof room, "%s-storm", opt.room_prefix);
	opt.nick_prefix = nick;
	opt.room_prefix = room;
	opt.clients = opt.storm;
	opt.senders = 0;
	opt.rooms = 1;
	opt.idle = true;
	opt.server_pid = 0;
	setup_state();
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		die("epoll_create1: %s", strerror(errno));
	fcntl(go_fd, F_SETFL, O_NONBLOCK);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = BENCH_CTL_ID};
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, go_fd, &ev) != 0)
		die("epoll_ctl: %s", strerror(errno));

	long long t_all = setup_run(now_ns(), hard_deadline);
	storm_report_send(n_joined == opt.clients ? t_all : 0, 0);
	while (!storm_stop && !interrupted && now_ns() < hard_deadline)
		loop_once(hard_deadline);
	storm_report_send(0, 1);
	_exit(0); /* the kernel closes the connections */
}

/* Starts the storm process, before any connection exists (it inherits
 * none) and before the event loop is made (it makes its own). */
static void storm_fork(void)
{
	int go[2], report[2];
	if (pipe2(go, O_CLOEXEC) != 0 || pipe2(report, O_CLOEXEC) != 0)
		die("pipe2: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(go[1]);
		close(report[0]);
		storm_main(go[0], report[1]);
	}
	close(go[0]);
	close(report[1]);
	storm_pid = pid;
	storm_go_fd = go[1];
	storm_report_fd = report[0];
	fcntl(storm_report_fd, F_SETFL, O_NONBLOCK);
}

/* Watches the storm process's reports from the event loop. */
static void storm_watch(void)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = BENCH_CTL_ID};
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, storm_report_fd, &ev) != 0)
		die("epoll_ctl: %s", strerror(errno));
}

/* Tells the storm process to stop and waits (bounded) until it has exited. */
static void storm_finish(void)
{
	close(storm_go_fd);
	storm_go_fd = -1;
	long long deadline = now_ns() + BENCH_STORM_STOP_S * NS_PER_S;
	while (!storm_gone && now_ns() < deadline)
		loop_once(deadline);
	int status;
	if (waitpid(storm_pid, &status, WNOHANG) == 0) {
		kill(storm_pid, SIGKILL);
		waitpid(storm_pid, &status, 0);
	}
	close(storm_report_fd);
}

/* Stops a run on SIGINT/SIGTERM (the report still prints). */
static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

int main(int argc, char **argv)
{
	parse_options(argc, argv);
	raise_fd_limit();
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (opt.storm > 0)
		storm_fork();
	setup_state();
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		die("epoll_create1: %s", strerror(errno));
	if (opt.storm > 0)
		storm_watch();

	long long t_start = now_ns();
	long long hard_deadline = t_start + (long long)((opt.setup_timeout + opt.duration +
							  opt.drain + BENCH_HARD_SLACK_S) * 1e9);
	struct srvstat st_begin = server_sample();
	double gen_u0, gen_s0;
	self_cpu(&gen_u0, &gen_s0);

	/* Phase 1: connect, register, join everyone. */
	long long setup_deadline = t_start + (long long)(opt.setup_timeout * 1e9);
	long long t_all_joined = setup_run(t_start, setup_deadline);
	long long t_setup_end = now_ns();
	long long next_sample = t_setup_end + BENCH_SAMPLE_NS;
	bool all_joined = (opt.handshakes > 0 ? n_handshakes : n_joined) == opt.clients;
	double handshakes_per_s = n_handshakes > 0 && t_all_joined > t_start
					  ? n_handshakes / ((double)(t_all_joined - t_start) / 1e9)
					  : 0;
	int stuck[ST_CLOSED + 1] = {0};
	for (int i = 0; i < opt.clients; i++)
		stuck[conns[i].state]++;
	double setup_s = (double)((t_all_joined ? t_all_joined : t_setup_end) - t_start) / 1e9;
	struct srvstat st_setup = server_sample();
	if (!opt.quiet)
		fprintf(stderr, "parley-bench: %d/%d joined in %.3f s%s\n", n_joined, opt.clients,
			setup_s, all_joined ? "" : " (not all: see the summary)");
	if (!all_joined)
		fprintf(stderr, "parley-bench: not joined: %d never connected, %d connecting, "
			"%d registering, %d joining, %d closed\n", stuck[ST_IDLE],
			stuck[ST_CONNECTING] + stuck[ST_HANDSHAKING], stuck[ST_REGISTERING], stuck[ST_JOINING],
			stuck[ST_CLOSED]);

	/* Phase 2: load (or hold when idle), then drain. */
	double gen_u1, gen_s1;
	self_cpu(&gen_u1, &gen_s1);
	senders_prepare();
	long long t_load = now_ns();
	long long t_load_end = t_load + (long long)(opt.duration * 1e9);
	t_win_start = t_load + (long long)(opt.storm_after * 1e9);
	load_running = true;
	while (!interrupted && now_ns() < hard_deadline) {
		long long t = now_ns();
		if (t >= t_load_end)
			break;
		if (opt.storm > 0 && !t_storm_start && t >= t_win_start) {
			ssize_t n = write(storm_go_fd, "g", 1);
			t_storm_start = n == 1 ? t : -1;
		}
		if (!opt.idle)
			senders_run(t_load, t);
		flush_all();
		if (t >= next_sample) {
			server_sample();
			next_sample = t + BENCH_SAMPLE_NS;
		}
		long long wake = t_load_end;
		long long due = senders_next_due(t_load);
		if (due <= t) /* only when a sender is stalled on a full buffer */
			due = t + 200000LL;
		if (due < wake)
			wake = due;
		if (next_sample < wake)
			wake = next_sample;
		if (opt.storm > 0 && !t_storm_start && t_win_start < wake)
			wake = t_win_start;
		loop_once(wake);
	}
	load_running = false;
	long long t_sent_end = now_ns();
	if (!t_win_end || t_win_end > t_sent_end)
		t_win_end = t_sent_end;
	struct srvstat st_load = server_sample();
	long long drain_deadline = t_sent_end + (long long)(opt.drain * 1e9);
	while (!interrupted && !opt.idle && total_deliveries < total_expected) {
		long long t = now_ns();
		if (t >= drain_deadline || t >= hard_deadline)
			break;
		loop_once(drain_deadline);
	}
	long long t_end = now_ns();
	struct srvstat st_end = server_sample();
	if (opt.storm > 0)
		storm_finish();
	double gen_u2, gen_s2;
	self_cpu(&gen_u2, &gen_s2);

	/* Report. */
	int order_checked = 0;
	int order_mismatch = opt.idle ? 0 : order_check(&order_checked);
	uint64_t lost = total_expected > total_deliveries ? total_expected - total_deliveries : 0;
	double load_s = (double)(t_sent_end - t_load) / 1e9;
	double deliv_window = t_last_delivery > t_load ? (double)(t_last_delivery - t_load) / 1e9
						     : load_s;
	double dps = deliv_window > 0 ? (double)total_deliveries / deliv_window : 0;
	double srv_cpu_load = st_end.ok && st_setup.ok ? st_end.cpu_s - st_setup.cpu_s : -1;
	double srv_cpu_setup = st_setup.ok && st_begin.ok ? st_setup.cpu_s - st_begin.cpu_s : -1;
	double cpu_per_m = srv_cpu_load >= 0 && total_deliveries > 0
				   ? srv_cpu_load / ((double)total_deliveries / 1e6)
				   : -1;
	double gen_cpu_load = (gen_u2 + gen_s2) - (gen_u1 + gen_s1);
	double gen_cpu_total = (gen_u2 + gen_s2) - (gen_u0 + gen_s0);
	double ms = 1e6;
	bool storm_clean = opt.storm == 0 ||
			   (storm_done && storm_first.joined == opt.storm && storm_gone &&
			    storm_last.final && storm_last.disconnects == 0);
	double storm_s = opt.storm > 0 && storm_first.t_joined > 0 && t_storm_start > 0
				 ? (double)(storm_first.t_joined - t_storm_start) / 1e9
				 : -1;
	double win_s = (double)(t_win_end - t_win_start) / 1e9;
	bool clean = all_joined && n_disconnects == 0 && n_connect_errors == 0 && lost == 0 &&
		     total_ooo == 0 && order_mismatch == 0 && !interrupted && storm_clean;

	if (!opt.quiet) {
		printf("parley-bench: %d clients, %d senders, %d rooms, %s, payload %d, %s %.0f s\n",
		       opt.clients, opt.senders, opt.rooms,
		       opt.idle ? "idle" : opt.rate > 0 ? "paced" : "as fast as possible",
		       opt.payload, opt.idle ? "hold" : "load", opt.duration);
		if (!opt.idle && opt.rate > 0)
			printf("  rate            %.1f msg/s per sender\n", opt.rate);
		if (!opt.idle && opt.rate <= 0)
			printf("  window          %d messages in flight per sender\n", opt.window);
		if (opt.handshakes > 0)
			printf("  handshakes      %d/%d in %.3f s: %.0f per second (connect+%sregister)\n",
			       n_handshakes, opt.clients, setup_s, handshakes_per_s,
			       opt.tls ? "TLS handshake+" : "");
		else
			printf("  set-up          %d/%d joined in %.3f s (connect+register+join)\n",
			       n_joined, opt.clients, setup_s);
		printf("  disconnects     %d (connect errors %d, join errors %d)\n", n_disconnects,
		       n_connect_errors, n_join_errors);
		if (!opt.idle) {
			printf("  sent            %" PRIu64 " messages (%" PRIu64 " stalls)\n",
			       total_sent, send_stalls);
			printf("  deliveries      %" PRIu64 " of %" PRIu64 " expected, lost %" PRIu64
			       "\n", total_deliveries, total_expected, lost);
			printf("  order           %" PRIu64 " out of order, %" PRIu64
			       " gaps; rooms checked %d, mismatched %d\n",
			       total_ooo, total_gaps, order_checked, order_mismatch);
			printf("  throughput      %.0f deliveries/s\n", dps);
			printf("  latency         p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms\n",
			       hist_quantile(&latency, 0.5) / ms, hist_quantile(&latency, 0.99) / ms,
			       hist_quantile(&latency, 0.999) / ms, hist_quantile(&latency, 1.0) / ms);
		}
		if (!opt.idle && (opt.storm > 0 || opt.storm_after > 0))
			printf("  window          %.1f s from %.1f s into the load, %" PRIu64
			       " deliveries: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms\n",
			       win_s, opt.storm_after, win_deliveries,
			       hist_quantile(&win_latency, 0.5) / ms,
			       hist_quantile(&win_latency, 0.99) / ms,
			       hist_quantile(&win_latency, 0.999) / ms,
			       hist_quantile(&win_latency, 1.0) / ms);
		if (opt.storm > 0) {
			printf("  storm           %d/%d joined ", storm_first.joined, opt.storm);
			if (storm_s >= 0)
				printf("in %.3f s", storm_s);
			else
				printf("(not all by the end of the load)");
			printf("; %d disconnects, %d connect errors, %d join errors%s\n",
			       storm_last.disconnects, storm_last.connect_errors,
			       storm_last.join_errors,
			       storm_gone && storm_last.final ? "" : " (storm process lost)");
		}
		if (st_end.ok) {
			printf("  server CPU      %.2f s during set-up, %.2f s during %s", srv_cpu_setup,
			       srv_cpu_load, opt.idle ? "hold" : "load+drain");
			if (cpu_per_m >= 0)
				printf(" (%.2f s per million deliveries)", cpu_per_m);
			printf("\n  server memory   RSS %ld KiB at end of load (peak %ld KiB), "
			       "threads %ld (peak %ld)\n",
			       st_load.rss_kib, srv_peak.rss_kib, st_load.threads, srv_peak.threads);
		} else if (opt.server_pid > 0)
			printf("  server          /proc/%d unreadable (server gone?)\n", opt.server_pid);
		printf("  generator CPU   %.2f s total, %.2f s during %s (%.0f%% of one core)\n",
		       gen_cpu_total, gen_cpu_load, opt.idle ? "hold" : "load+drain",
		       (double)(t_end - t_load) > 0
			       ? 100.0 * gen_cpu_load / ((double)(t_end - t_load) / 1e9)
			       : 0.0);
		if (first_error[0])
			printf("  first problem   %s\n", first_error);
		printf("  verdict         %s\n", clean ? "clean" : "PROBLEMS (see above)");
	}

	const char *status = interrupted ? "interrupted" : clean ? "clean" : "problems";
	struct {
		const char *key;
		char val[64];
	} kv[64];
	int nkv = 0;
#define KV(k, ...) do { kv[nkv].key = (k); snprintf(kv[nkv].val, sizeof kv[nkv].val, __VA_ARGS__); nkv++; } while (0)
	KV("status", "%s", status);
	KV("clients", "%d", opt.clients);
	KV("senders", "%d", opt.senders);
	KV("rooms", "%d", opt.rooms);
	KV("rate", "%g", opt.idle ? 0.0 : opt.rate);
	KV("payload", "%d", opt.payload);
	KV("duration_s", "%.3f", load_s);
	KV("joined", "%d", n_joined);
	KV("setup_s", "%.3f", setup_s);
	KV("tls", "%d", opt.tls ? 1 : 0);
	KV("handshakes", "%d", n_handshakes);
	KV("handshakes_per_s", "%.0f", handshakes_per_s);
	KV("disconnects", "%d", n_disconnects);
	KV("connect_errors", "%d", n_connect_errors);
	KV("join_errors", "%d", n_join_errors);
	KV("sent", "%" PRIu64, total_sent);
	KV("expected", "%" PRIu64, total_expected);
	KV("deliveries", "%" PRIu64, total_deliveries);
	KV("lost", "%" PRIu64, lost);
	KV("out_of_order", "%" PRIu64, total_ooo);
	KV("gaps", "%" PRIu64, total_gaps);
	KV("order_rooms_checked", "%d", order_checked);
	KV("order_mismatch_rooms", "%d", order_mismatch);
	KV("deliveries_per_s", "%.0f", dps);
	KV("lat_p50_ms", "%.3f", hist_quantile(&latency, 0.5) / ms);
	KV("lat_p99_ms", "%.3f", hist_quantile(&latency, 0.99) / ms);
	KV("lat_p999_ms", "%.3f", hist_quantile(&latency, 0.999) / ms);
	KV("lat_max_ms", "%.3f", hist_quantile(&latency, 1.0) / ms);
	KV("srv_cpu_setup_s", "%.2f", srv_cpu_setup);
	KV("srv_cpu_s", "%.2f", srv_cpu_load);
	KV("srv_cpu_per_mdeliv", "%.3f", cpu_per_m);
	KV("srv_rss_kib", "%ld", st_load.rss_kib);
	KV("srv_rss_peak_kib", "%ld", srv_peak.rss_kib);
	KV("srv_threads", "%ld", st_load.threads);
	KV("srv_threads_peak", "%ld", srv_peak.threads);
	KV("gen_cpu_s", "%.2f", gen_cpu_total);
	KV("gen_cpu_load_s", "%.2f", gen_cpu_load);
	KV("send_stalls", "%" PRIu64, send_stalls);
	KV("foreign_lines", "%" PRIu64, total_foreign);
	KV("win_start_s", "%.3f", opt.storm_after);
	KV("win_s", "%.3f", win_s);
	KV("win_deliveries", "%" PRIu64, win_deliveries);
	KV("win_lat_p50_ms", "%.3f", hist_quantile(&win_latency, 0.5) / ms);
	KV("win_lat_p99_ms", "%.3f", hist_quantile(&win_latency, 0.99) / ms);
	KV("win_lat_p999_ms", "%.3f", hist_quantile(&win_latency, 0.999) / ms);
	KV("win_lat_max_ms", "%.3f", hist_quantile(&win_latency, 1.0) / ms);
	KV("storm_clients", "%d", opt.storm);
	KV("storm_joined", "%d", storm_first.joined);
	KV("storm_s", "%.3f", storm_s);
	KV("storm_disconnects", "%d", storm_last.disconnects);
	KV("storm_errors", "%d", storm_last.connect_errors + storm_last.join_errors);
#undef KV
	if (opt.json) {
		printf("{");
		for (int i = 0; i < nkv; i++) {
			bool num = strcmp(kv[i].key, "status") != 0;
			printf("%s\"%s\": %s%s%s", i ? ", " : "", kv[i].key, num ? "" : "\"",
			       kv[i].val, num ? "" : "\"");
		}
		printf("}\n");
	} else {
		printf("RESULT");
		for (int i = 0; i < nkv; i++)
			printf(" %s=%s", kv[i].key, kv[i].val);
		printf("\n");
	}
	fflush(stdout);

	for (int i = 0; i < opt.clients; i++) {
		SSL_free(conns[i].ssl);
		if (conns[i].fd >= 0)
			close(conns[i].fd);
		linebuf_free(&conns[i].lb);
		free(conns[i].out);
		free(conns[i].last_seq);
	}
	for (int i = 0; i < opt.senders; i++)
		free(senders[i].ring);
	for (int i = 0; i < opt.rooms; i++)
		free(rooms[i].items);
	free(conns);
	free(rooms);
	free(senders);
	free(flush_list);
	free(reread_list);
	free(reread_spare);
	free(payload_pad);
	SSL_CTX_free(tls_ctx);
	close(epfd);
	if (interrupted)
		return 1;
	return clean ? 0 : 1;
}
