/* server: process state, the acceptor loop, reaping workers, shutdown. */
#include "server.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "flushq.h"
#include "global.h"
#include "listener.h"
#include "log.h"
#include "account.h"
#include "archive.h"
#include "kline.h"
#include "motd.h"
#include "oper.h"
#include "msgid.h"
#include "registry.h"
#include "monitor.h"
#include "session.h"
#include "tls.h"
#include "worker.h"
#include "xalloc.h"

#define ACCEPT_PAUSE_MS 100
/* Descriptors kept free beside one per connection: a refused newcomer in
 * flight, the reserve being reopened, a MOTD being re-read, some slack. */
#define FD_SPARE 8

/* Blocks the stop signals, SIGHUP and the workers' wake signal in every
 * thread, and returns a signalfd for the first two. */
static int signals_setup(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SESSION_WAKE_SIGNAL);
	/* The new mask is computed rather than queried: reading it back with
	 * pthread_sigmask(SIG_SETMASK, NULL, &m) left SIGTERM deliverable under
	 * valgrind, which then killed the server instead of stopping it. */
	sigset_t blocked;
	pthread_sigmask(SIG_BLOCK, &set, &blocked);
	sigorset(&blocked, &blocked, &set);
	session_signals_init(&blocked);
	signal(SIGPIPE, SIG_IGN);
	sigdelset(&set, SESSION_WAKE_SIGNAL);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* Tells every worker to say goodbye, then joins them all. */
static void stop_all_sessions(void)
{
	atomic_store(&g_server.shutting_down, true);
	listener_wake_all();
	while (atomic_load(&g_server.sessions_alive) > 0) {
		flushq_take_turn();
		struct pollfd pfd = {.fd = listener_finished_fd(), .events = POLLIN};
		poll(&pfd, 1, flushq_wants_help() ? 0 : 1000);
		listener_reap();
	}
	flushq_free();
	session_write_buffer_release(); /* the turns this thread took */
}

/* SIGHUP, with TLS on: new connections get the certificate and key as the
 * files hold them now; open ones keep theirs; unreadable files change
 * nothing. */
static void reload_tls_on_hangup(void)
{
	char fingerprint[TLS_FINGERPRINT_HEX], err[512];
	if (tls_reload(fingerprint, err, sizeof err) < 0)
		log_warn("received SIGHUP: %s; new TLS connections keep the certificate they had",
			 err);
	else
		log_info("received SIGHUP: re-read the TLS certificate and key; new connections "
			 "use key fingerprint sha256 %s", fingerprint);
}

/* The configuration in force: server_run's, or the last one SIGHUP read
 * (owned here). The acceptor's only: no other thread touches these. */
static const struct config *config_current;
static struct config config_reloaded;
static bool config_reloaded_held;
/* Clients the descriptor limit allows (descriptors_clamp), or -1: no cap. */
static long clients_room = -1;

/* Lowers a max-clients value to what the descriptors allow, saying so. */
static int clients_clamp(int wanted)
{
	if (clients_room < 0 || wanted <= clients_room)
		return wanted;
	log_warn("the descriptor limit allows %ld clients: max-clients lowered from %d to %ld",
		 clients_room, wanted, clients_room);
	return (int)clients_room;
}

/* Makes next the configuration in force: the live values, the MOTD, the
 * log level (what needs a restart stays as it was). */
static void config_install(struct config *next)
{
	global_live_set(next);
	atomic_store_explicit(&g_server.live.max_clients, clients_clamp(next->max_clients),
			      memory_order_relaxed);
	log_set_level(next->log_level);
	motd_set(next->motd ? xstrdup(next->motd) : NULL);
	oper_set(next->opers, next->nopers);
	if (config_reloaded_held)
		config_free(&config_reloaded);
	config_reloaded = *next;
	config_reloaded_held = true;
	config_current = &config_reloaded;
}

/* SIGHUP without --config: re-read the MOTD (what it always did). */
static void reload_motd_only(void)
{
	const char *path = g_server.cfg.motd_path;
	if (!path) {
		log_info("received SIGHUP: nothing to re-read (no --config, no --motd)");
		return;
	}
	char *error;
	if (motd_reload(path, &error) < 0) {
		log_warn("received SIGHUP: %s; keeping the MOTD as it was", error);
		free(error);
		return;
	}
	log_info("received SIGHUP: re-read the MOTD from %s", path);
}

/* SIGHUP: read the config file (and the command line over it) again and
 * apply what can change live, quietly: no client is told. A file with
 * problems changes nothing. One line says what changed, one what waits
 * for a restart. */
static void reload_on_hangup(void)
{
	if (g_server.cfg.tls)
		reload_tls_on_hangup();
	if (!g_server.cfg.config_path) {
		reload_motd_only();
		return;
	}
	struct config next;
	char *error;
	if (config_reload(config_current, &next, &error) < 0) {
		log_warn("received SIGHUP: %s; nothing changed", error);
		free(error);
		return;
	}
	char live[512], restart[512];
	config_changes(config_current, &next, live, sizeof live, restart, sizeof restart);
	bool flood_changed = config_flood_changed(config_current, &next);
	config_install(&next);
	if (flood_changed)
		listener_wake_all(); /* a worker holding lines back retunes now */
	log_info("received SIGHUP: re-read %s; changed: %s", g_server.cfg.config_path,
		 live[0] ? live : "nothing");
	if (restart[0])
		log_warn("received SIGHUP: changed in %s but applied only at restart: %s",
			 g_server.cfg.config_path, restart);
}

/* Classroom step mode (--step): a waiting connection is accepted only when
 * Enter is pressed on the server's terminal, one per Enter. */
struct step {
	int listen_fd;   /* a listener whose backlog waits for Enter, or -1 */
	int credits;     /* Enters pressed and not yet used */
	bool stdin_open; /* false once stdin ends: accept without waiting */
};

/* Tells the class what waits on listen_fd and how to let one in. */
static void step_announce(const struct step *st, int listen_fd)
{
	int waiting = listener_backlog(listen_fd);
	bool one = waiting == 1;
	log_trace("%d connection%s waiting in the backlog of listening fd %d: the kernel "
		  "finished the handshake%s, so %s (ss -tln shows the count in Recv-Q), but "
		  "nobody has called accept() yet.%s",
		  waiting, one ? "" : "s", listen_fd, one ? "" : "s",
		  one ? "the client thinks it is connected" : "the clients think they are connected",
		  st->stdin_open ? " Press Enter to accept one." : "");
}

/* Reads the server's terminal: each line lets one connection in. */
static void step_read_stdin(struct step *st)
{
	char buf[256];
	ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		st->stdin_open = false;
		log_trace("stdin is closed: step mode accepts without waiting for Enter from now on");
		return;
	}
	for (ssize_t i = 0; i < n; i++)
		st->credits += buf[i] == '\n';
}

/* A listener has connections waiting: accept them, or in step mode one
 * when Enter allows it. Returns listener_accept's result (or 0). */
static int accept_waiting(struct step *st, int listen_fd)
{
	if (!g_server.cfg.step)
		return listener_accept(listen_fd, ACCEPT_BATCH);
	if (st->listen_fd < 0) {
		st->listen_fd = listen_fd;
		step_announce(st, listen_fd);
	}
	if (st->stdin_open && st->credits == 0)
		return 0;
	st->credits -= st->credits > 0;
	st->listen_fd = -1;
	int waiting = listener_backlog(listen_fd);
	log_trace("accept(): %d connection%s waiting in the backlog of listening fd %d; "
		  "accept() takes the oldest", waiting, waiting == 1 ? "" : "s", listen_fd);
	return listener_accept(listen_fd, 1);
}

/* Handles what the signalfd says; returns false to stop the server. */
static bool signal_handle(int signal_fd)
{
	struct signalfd_siginfo info;
	if (read(signal_fd, &info, sizeof info) != sizeof info)
		return true;
	if (info.ssi_signo == SIGHUP) {
		reload_on_hangup();
		return true;
	}
	log_info("received %s, shutting down", strsignal((int)info.ssi_signo));
	return false;
}

/* The acceptor loop: returns when a stop signal arrives. */
static void accept_loop(int *listen_fds, int nlisten, int signal_fd)
{
	struct pollfd fds[LISTENERS_MAX + 3];
	long long paused_until = 0;
	struct step st = {.listen_fd = -1, .stdin_open = true};
	while (!atomic_load(&g_server.shutting_down)) {
		bool paused = clock_mono_ms() < paused_until;
		bool stepping = st.listen_fd >= 0; /* waiting for Enter: not polling listeners */
		int n = 0;
		fds[n++] = (struct pollfd){.fd = signal_fd, .events = POLLIN};
		fds[n++] = (struct pollfd){.fd = listener_finished_fd(), .events = POLLIN};
		fds[n++] = (struct pollfd){.fd = stepping && st.stdin_open ? STDIN_FILENO : -1,
					   .events = POLLIN};
		for (int i = 0; i < nlisten; i++)
			fds[n++] = (struct pollfd){.fd = paused || stepping ? -1 : listen_fds[i],
						   .events = POLLIN};
		/* A worker that exited may have left queues waiting: take turns. */
		flushq_take_turn();
		int timeout = flushq_wants_help() ? 0 : paused ? ACCEPT_PAUSE_MS : -1;
		if (poll(fds, (nfds_t)n, timeout) < 0 && errno != EINTR) {
			log_error("acceptor poll: %s", strerror(errno));
			return;
		}
		if ((fds[0].revents & POLLIN) && !signal_handle(signal_fd))
			return;
		if (fds[1].revents & POLLIN)
			listener_reap();
		log_later_flush(); /* notes made under locks (waking workers) */
		if (fds[2].revents & (POLLIN | POLLHUP))
			step_read_stdin(&st);
		if (stepping && accept_waiting(&st, st.listen_fd) < 0)
			paused_until = clock_mono_ms() + ACCEPT_PAUSE_MS;
		for (int i = 0; i < nlisten; i++)
			if ((fds[i + 3].revents & POLLIN) && accept_waiting(&st, listen_fds[i]) < 0)
				paused_until = clock_mono_ms() + ACCEPT_PAUSE_MS;
	}
}

/* How many descriptors the process has open (16 if /proc cannot say). */
static long descriptors_open(void)
{
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		return 16;
	long n = 0;
	for (struct dirent *e; (e = readdir(dir));)
		if (e->d_name[0] != '.')
			n++;
	closedir(dir);
	return n - 1; /* the directory's own descriptor */
}

/* Raises the soft descriptor limit to the hard one; returns the soft limit
 * it had before. */
static rlim_t descriptors_raise(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return RLIM_INFINITY;
	rlim_t was = rl.rlim_cur;
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit want = {rl.rlim_max, rl.rlim_max};
		setrlimit(RLIMIT_NOFILE, &want);
	}
	return was;
}

/* Lowers max_clients to what the descriptor limit allows (one socket per
 * connection beside the descriptors open now, the listeners about to be
 * opened and FD_SPARE), saying so in one line. Call with everything else open
 * that stays open (signalfd, log, reserve), before "listening on" tells the
 * world the server is set up. */
static void descriptors_clamp(rlim_t was, int listeners)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return;
	long room = (long)rl.rlim_cur - descriptors_open() - listeners - FD_SPARE;
	if (room < 1)
		room = 1;
	clients_room = room;
	if (g_server.cfg.max_clients <= room)
		return;
	log_warn("the descriptor limit (%llu; %llu before raising it to the hard limit) "
		 "allows %ld clients: --max-clients lowered from %d to %ld",
		 (unsigned long long)rl.rlim_cur, (unsigned long long)was, room,
		 g_server.cfg.max_clients, room);
	g_server.cfg.max_clients = (int)room;
	atomic_store(&g_server.live.max_clients, (int)room);
}

/* Fills the process-wide state from the configuration. */
static void server_init(const struct config *cfg)
{
	memset(&g_server, 0, sizeof g_server);
	g_server.cfg = *cfg;
	g_server.started_unix_ms = clock_unix_ms();
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(g_server.created_text, sizeof g_server.created_text, "%Y-%m-%d %H:%M:%S UTC",
		 &tm);
	msgid_init();
	registry_init();
	flushq_init(cfg->writers);
	global_live_set(cfg);
	config_current = cfg;
	motd_set(cfg->motd ? xstrdup(cfg->motd) : NULL);
	oper_set(cfg->opers, cfg->nopers);
}

int server_run(const struct config *cfg)
{
	server_init(cfg);
	log_set_level(cfg->log_level);
	int signal_fd = signals_setup();
	if (signal_fd < 0 || listener_sessions_init() < 0) {
		log_error("cannot set up signal or wake-up descriptors: %s", strerror(errno));
		return 1;
	}
	rlim_t soft_was = descriptors_raise();
	/* From here on no log line waits for stderr (or a trace line for stdout). */
	if (log_start() < 0)
		log_warn("no log thread: log lines are written directly");
	if (listener_reserve_open() < 0)
		log_warn("cannot open a reserve descriptor: %s", strerror(errno));
	/* The store's files (a writer and the readers, each with the
	 * database, its WAL and shared memory) are open before the clamp
	 * counts what is left for clients. */
	char store_error[512];
	if (archive_open(store_error, sizeof store_error) < 0) {
		listener_cleanup();
		log_stop();
		fprintf(stderr, "parleyd: %s\n", store_error);
		return 1;
	}
	if (account_open(archive_direct(), cfg->max_accounts, store_error,
			 sizeof store_error) < 0) {
		archive_close();
		listener_cleanup();
		log_stop();
		fprintf(stderr, "parleyd: cannot read the accounts: %s\n", store_error);
		return 1;
	}
	if (account_available())
		log_info("accounts: %zu registered (at most %d)", account_count(),
			 cfg->max_accounts);
	else
		log_info("accounts are off: --history-store memory keeps nothing on disk");
	if (kline_start(store_error, sizeof store_error) < 0) {
		archive_close();
		listener_cleanup();
		log_stop();
		fprintf(stderr, "parleyd: %s\n", store_error);
		return 1;
	}
	char fingerprint[TLS_FINGERPRINT_HEX];
	if (cfg->tls && tls_setup(cfg, fingerprint, store_error, sizeof store_error) < 0) {
		account_close();
		archive_close();
		listener_cleanup();
		log_stop();
		fprintf(stderr, "parleyd: %s\n", store_error);
		return 1;
	}
	if (cfg->tls)
		log_info("TLS key fingerprint (SHA-256 of the SubjectPublicKeyInfo): sha256 %s",
			 fingerprint);
	descriptors_clamp(soft_was, (cfg->nbinds ? cfg->nbinds : 2) * (cfg->tls ? 2 : 1));
	int listen_fds[LISTENERS_MAX];
	char *error;
	int nlisten = listener_open_all(cfg, cfg->tls ? fingerprint : NULL, listen_fds, &error);
	if (nlisten < 0) {
		tls_cleanup();
		account_close();
		archive_close();
		listener_cleanup();
		log_stop();
		fprintf(stderr, "parleyd: %s\n", error);
		free(error);
		return 1;
	}
	log_info("parleyd %s ready (%s)", PARLEY_VERSION, cfg->name);
	accept_loop(listen_fds, nlisten, signal_fd);
	for (int i = 0; i < nlisten; i++) {
		close(listen_fds[i]);
		if (cfg->trace)
			log_trace("close(fd %d): no longer listening", listen_fds[i]);
	}
	stop_all_sessions();
	log_later_flush();
	log_info("all connections closed; %llu were dropped for SendQ exceeded this run",
		 (unsigned long long)atomic_load(&g_server.sendq_kills));
	account_close();
	archive_close(); /* everything said is on disk before the log stops */
	log_stop();
	registry_free();
	monitor_free();
	motd_free();
	oper_free();
	kline_free();
	if (config_reloaded_held)
		config_free(&config_reloaded);
	tls_cleanup();
	listener_cleanup();
	close(signal_fd);
	return 0;
}
