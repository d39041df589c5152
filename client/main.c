/* parley: the terminal chat client (entry point: options and wiring). */
#include <getopt.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "address.h"
#include "evqueue.h"
#include "ircname.h"
#include "knownfile.h"
#include "knownservers.h"
#include "net.h"
#include "secret.h"
#include "siphash.h"
#include "state.h"
#include "ui.h"
#include "xalloc.h"

#define MAIN_ROOMS_MAX 50
#define MAIN_DEFAULT_PORT "6667"
#define MAIN_DEFAULT_TLS_PORT "6697"
#define MAIN_DEFAULT_ROOM "#lobby"
#define MAIN_STALL_ENV "PARLEY_STALL_TIMEOUT" /* seconds; for tests and slow links */
#define MAIN_STALL_MAX_S 86400

struct options {
	char *nick;
	char *host;
	char *port;
	char *password;
	bool tls;
	char tls_pin[KNOWN_HEX_LEN + 1]; /* "" when not pinned */
	const char *forget;              /* --forget host:port */
	bool login;                      /* --login: ask for the account password */
	const char *login_file;          /* --login-file FILE */
	bool allow_plaintext_auth;
	char account_password[SECRET_MAX + 2]; /* "" when not logging in */
	const char *rooms[MAIN_ROOMS_MAX];
	int nrooms;
	struct ui_options ui;
};

/* Prints the usage text. */
static void main_usage(FILE *out)
{
	fputs("usage: parley [options] [nick@]host[:port]\n"
	      "       parley [options] ircs://[nick@]host[:port]\n"
	      "       parley --forget host[:port]\n"
	      "\n"
	      "A terminal IRC client for parleyd and any IRC server.\n"
	      "  host defaults to localhost, port to 6667 (6697 with TLS), nick to $USER.\n"
	      "\n"
	      "  -n, --nick NICK       nickname (overrides nick@ in the address)\n"
	      "  -j, --join ROOM       room to join; repeatable (default #lobby)\n"
	      "  -p, --password PASS   connection password (IRC PASS)\n"
	      "  -b, --bell MODE       off, mentions (default) or all\n"
	      "      --nicklist        show the nick list at start (F2 or /nicklist toggles)\n"
	      "      --tls             connect with TLS (as ircs:// does)\n"
	      "      --tls-fingerprint HEX  accept only this server key (SHA-256 of its\n"
	      "                        SubjectPublicKeyInfo), without asking; implies --tls\n"
	      "      --forget HOST:PORT  forget the key trusted for that server and exit\n"
	      "      --login           log in to the account named like the nick (SASL);\n"
	      "                        asks for its password before connecting\n"
	      "      --login-file FILE  the same, with the password on FILE's first line\n"
	      "                        (a file only you can read)\n"
	      "      --allow-plaintext-auth  send passwords over a connection that is\n"
	      "                        neither TLS nor to this machine\n"
	      "  -h, --help            show this help and exit\n"
	      "  -V, --version         show the version and exit\n"
	      "\n"
	      "In the client, /help lists the commands; Ctrl-C or /quit leaves.\n",
	      out);
}

/* Takes "[nick@]host[:port]" or an irc(s):// URL (client/address) into o.
 * Returns 0 or -1. */
static int main_parse_address(const char *arg, struct options *o)
{
	struct address a;
	if (address_parse(arg, &a) < 0)
		return -1;
	if (*a.nick) {
		free(o->nick);
		o->nick = xstrdup(a.nick);
	}
	if (*a.host) {
		free(o->host);
		o->host = xstrdup(a.host);
	}
	if (*a.port)
		o->port = xstrdup(a.port);
	if (a.scheme_tls)
		o->tls = true;
	return 0;
}

/* parley --forget host[:port]: removes the server's line from known_servers. */
static int main_forget(const char *arg)
{
	struct address a;
	char key[ADDRESS_KEY_MAX + 1], err[512];
	size_t removed;
	if (address_parse(arg, &a) < 0 || !*a.host ||
	    address_key(a.host, *a.port ? a.port : MAIN_DEFAULT_TLS_PORT, key, sizeof(key)) < 0) {
		fprintf(stderr, "parley: --forget wants host[:port], not %s\n", arg);
		return 2;
	}
	if (knownfile_forget(key, &removed, err, sizeof(err)) < 0) {
		fprintf(stderr, "parley: %s\n", err);
		return 1;
	}
	if (removed == 0) {
		fprintf(stderr, "parley: no key is trusted for %s\n", key);
		return 1;
	}
	printf("parley: forgot the key trusted for %s; the next connection asks again\n", key);
	return 0;
}

/* Parses the command line. Returns -1 to exit 0 (help/version), 1 on error. */
static int main_options(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
	    {"nick", required_argument, NULL, 'n'},     {"join", required_argument, NULL, 'j'},
	    {"password", required_argument, NULL, 'p'}, {"bell", required_argument, NULL, 'b'},
	    {"nicklist", no_argument, NULL, 'L'},       {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},        {"tls", no_argument, NULL, 'T'},
	    {"tls-fingerprint", required_argument, NULL, 'F'},
	    {"forget", required_argument, NULL, 'G'},   {"login", no_argument, NULL, 'l'},
	    {"login-file", required_argument, NULL, 'f'},
	    {"allow-plaintext-auth", no_argument, NULL, 'A'}, {NULL, 0, NULL, 0},
	};
	const char *nick_opt = NULL;
	int c;
	o->host = xstrdup("localhost");
	o->port = NULL; /* after the options: 6667, or 6697 with TLS */
	o->ui.bell = BELL_MENTIONS;
	while ((c = getopt_long(argc, argv, "n:j:p:b:hV", longs, NULL)) != -1) {
		switch (c) {
		case 'n':
			nick_opt = optarg;
			break;
		case 'j':
			if (o->nrooms == MAIN_ROOMS_MAX || !ircname_channel_valid(optarg)) {
				fprintf(stderr, "parley: bad or too many rooms: %s\n", optarg);
				return 1;
			}
			o->rooms[o->nrooms++] = optarg;
			break;
		case 'p':
			free(o->password);
			o->password = xstrdup(optarg);
			break;
		case 'b':
			if (strcmp(optarg, "off") == 0)
				o->ui.bell = BELL_OFF;
			else if (strcmp(optarg, "all") == 0)
				o->ui.bell = BELL_ALL;
			else if (strcmp(optarg, "mentions") == 0)
				o->ui.bell = BELL_MENTIONS;
			else {
				fprintf(stderr, "parley: --bell takes off, mentions or all\n");
				return 1;
			}
			break;
		case 'L':
			o->ui.nicklist = true;
			break;
		case 'T':
			o->tls = true;
			break;
		case 'F':
			if (known_parse_fingerprint(optarg, o->tls_pin) < 0) {
				fprintf(stderr, "parley: --tls-fingerprint wants a SHA-256 in hex "
				                "(64 digits, as parleyd --fingerprint prints it)\n");
				return 1;
			}
			o->tls = true;
			break;
		case 'G':
			o->forget = optarg;
			return 0;
		case 'l':
			o->login = true;
			break;
		case 'f':
			o->login_file = optarg;
			break;
		case 'A':
			o->allow_plaintext_auth = true;
			break;
		case 'h':
			main_usage(stdout);
			return -1;
		case 'V':
			printf("parley %s\n", PARLEY_VERSION);
			return -1;
		default:
			main_usage(stderr);
			return 1;
		}
	}
	if (optind < argc - 1) {
		fprintf(stderr, "parley: one server address only\n");
		return 1;
	}
	if (optind == argc - 1 && main_parse_address(argv[optind], o) < 0) {
		fprintf(stderr, "parley: bad address: %s (want [nick@]host[:port])\n",
		        argv[optind]);
		return 1;
	}
	if (!o->port)
		o->port = xstrdup(o->tls ? MAIN_DEFAULT_TLS_PORT : MAIN_DEFAULT_PORT);
	if (nick_opt) {
		free(o->nick);
		o->nick = xstrdup(nick_opt);
	}
	if (!o->nick || !*o->nick) {
		const char *user = getenv("USER");
		free(o->nick);
		o->nick = xstrdup(user && *user ? user : "parley");
	}
	if (!ircname_nick_valid(o->nick)) {
		fprintf(stderr, "parley: not a valid nickname: %s\n", o->nick);
		return 1;
	}
	if (o->nrooms == 0)
		o->rooms[o->nrooms++] = MAIN_DEFAULT_ROOM;
	return 0;
}

/* The stall timeout from the environment in ms (0: the default), or -1
 * when it is set but not a number of seconds from 1 to MAIN_STALL_MAX_S. */
static long long main_stall_timeout(void)
{
	const char *v = getenv(MAIN_STALL_ENV);
	if (!v || !*v)
		return 0;
	if (strspn(v, "0123456789") != strlen(v) || strlen(v) > 5)
		return -1;
	long s = atol(v);
	if (s < 1 || s > MAIN_STALL_MAX_S)
		return -1;
	return (long long)s * 1000;
}

/* Reads the account password --login or --login-file asks for, before the
 * screen is taken. Returns 0, or -1 after saying why on stderr. */
static int main_read_login(struct options *o)
{
	char err[512], prompt[300];
	int rc = 0;
	if (o->login_file)
		rc = secret_from_file(o->login_file, o->account_password,
		                      sizeof(o->account_password), err, sizeof(err));
	else if (o->login) {
		snprintf(prompt, sizeof(prompt), "Password for account %s on %s: ", o->nick, o->host);
		rc = secret_from_terminal(prompt, o->account_password, sizeof(o->account_password),
		                          err, sizeof(err));
	}
	if (rc < 0)
		fprintf(stderr, "parley: %s\n", err);
	return rc;
}

/* Frees the option strings. */
static void main_options_free(struct options *o)
{
	free(o->nick);
	free(o->host);
	free(o->port);
	free(o->password);
	OPENSSL_cleanse(o->account_password, sizeof(o->account_password));
}

/* Blocks the quitting signals (read through a signalfd) and SIGWINCH (so
 * only the UI thread, which unblocks it, is interrupted by resizes). */
static int main_signals(sigset_t *quitting)
{
	sigset_t all;
	sigemptyset(quitting);
	sigaddset(quitting, SIGINT);
	sigaddset(quitting, SIGTERM);
	sigaddset(quitting, SIGHUP);
	all = *quitting;
	sigaddset(&all, SIGWINCH);
	signal(SIGPIPE, SIG_IGN);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	return signalfd(-1, quitting, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* Gives the keyed hash (nick lists, seen messages) a secret, so a server cannot choose keys that
 * collide (a fixed key is the fallback when no random bytes are to be had). */
static void main_seed_hash(void)
{
	uint64_t k[2];
	if (getrandom(k, sizeof(k), 0) == (ssize_t)sizeof(k))
		siphash_seed(k[0], k[1]);
}

int main(int argc, char **argv)
{
	struct options o = {0};
	int rc = main_options(argc, argv, &o);
	if (rc != 0 || o.forget) {
		main_options_free(&o);
		return o.forget ? main_forget(o.forget) : rc < 0 ? 0 : 2;
	}
	long long stall_ms = main_stall_timeout();
	if (stall_ms < 0) {
		fprintf(stderr, "parley: %s must be a number of seconds from 1 to %d\n",
		        MAIN_STALL_ENV, MAIN_STALL_MAX_S);
		main_options_free(&o);
		return 2;
	}
	if (main_read_login(&o) < 0) {
		main_options_free(&o);
		return 2;
	}
	setlocale(LC_ALL, "");
	sigset_t quitting, winch;
	int sigfd = main_signals(&quitting);

	main_seed_hash();
	struct evqueue *q = evqueue_new(EVQUEUE_MAX_EVENTS, EVQUEUE_MAX_BYTES);
	char label[300];
	snprintf(label, sizeof(label), "%s:%s", o.host, o.port);
	struct state *st = state_new(o.nick, label);
	for (int i = 0; i < o.nrooms; i++)
		state_window_open(st, WIN_CHANNEL, o.rooms[i]);
	state_set_current(st, 1);

	const char *user = getenv("USER");
	struct net_config cfg = {
	    .host = o.host,
	    .port = o.port,
	    .nick = o.nick,
	    .user = user && *user ? user : o.nick,
	    .realname = "parley user",
	    .password = o.password,
	    .stall_timeout_ms = stall_ms,
	    .tls = o.tls,
	    .tls_pin = *o.tls_pin ? o.tls_pin : NULL,
	    .account_password = *o.account_password ? o.account_password : NULL,
	    .allow_plaintext_auth = o.allow_plaintext_auth,
	};
	struct net *net = net_start(&cfg, q);
	OPENSSL_cleanse(o.account_password, sizeof(o.account_password)); /* net has its copy */
	if (!net) {
		fprintf(stderr, "parley: cannot start the network thread\n");
		return 1;
	}
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	pthread_sigmask(SIG_UNBLOCK, &winch, NULL);

	struct ui *ui = ui_new(st, net, q, sigfd, &o.ui);
	if (!ui) {
		fprintf(stderr, "parley: needs a terminal\n");
		evqueue_close(q); /* a network thread waiting for room must not hang */
		net_stop(net, "No terminal");
		rc = 1;
	} else {
		char reason[512];
		snprintf(reason, sizeof(reason), "%s", ui_run(ui));
		ui_free(ui);
		evqueue_close(q); /* nobody reads events now: a waiting push returns */
		net_stop(net, reason);
	}
	state_free(st);
	evqueue_free(q);
	if (sigfd >= 0)
		close(sigfd);
	main_options_free(&o);
	return rc;
}
