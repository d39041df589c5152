/* session: one client connection and its worker thread.
 *
 * A session is created by the acceptor, served by exactly one worker thread,
 * and freed when its last reference goes (the acceptor's, dropped after it
 * joins the worker; or a flusher's temporary one). Other threads reach a
 * session only through the registry or a channel (while holding their
 * locks), or through a reference they took.
 *
 * Field ownership is written on each field: "const" fields never change after
 * the worker starts; "worker" fields are touched by the worker thread only;
 * "registry" fields are written by the worker under the registry write lock
 * and read by others under the registry read lock (the worker reads them
 * freely: it is their only writer); "membership" fields are guarded by
 * memb_lock, and an entry for channel ch changes only with ch's lock held as
 * well (so a kicker on another thread can remove it); "queue" fields are
 * guarded by q_lock.
 *
 * Lock order (see server.h): registry -> channel(s) -> memb_lock, q_lock.
 * memb_lock is a leaf: held only to read or edit channels[], with nothing
 * taken under it. */
#ifndef PARLEY_SESSION_H
#define PARLEY_SESSION_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "endpoint.h"
#include "ircname.h"
#include "linebuf.h"
#include "outq.h"
#include "tokenbucket.h"
#include "transport.h"

#define USER_LEN_MAX 10
#define REALNAME_LEN_MAX 100
#define AWAY_LEN_MAX 300
#define QUIT_REASON_MAX 300

/* Capabilities (IRCv3) a client may negotiate. */
#define CAP_SERVER_TIME 0x1u
#define CAP_ECHO_MESSAGE 0x2u
#define CAP_MESSAGE_TAGS 0x4u
#define CAP_BATCH 0x8u
#define CAP_LABELED_RESPONSE 0x10u
#define CAP_CHATHISTORY 0x100u     /* draft/chathistory: no replay on join */
#define CAP_READ_MARKER 0x200u     /* draft/read-marker */
#define CAP_ACCOUNT_REGISTRATION 0x4000u /* draft/account-registration (informational) */
#define CAP_SASL 0x8000u           /* sasl: offered while accounts are (irc_sasl.h) */
#define CAP_ACCOUNT_NOTIFY 0x10000u /* ACCOUNT when someone sharing a room logs in */
#define CAP_EXTENDED_JOIN 0x20000u  /* JOIN #room account|* :realname */
#define CAP_ACCOUNT_TAG 0x40000u    /* account=NAME on what a logged-in user sends */
#define CAP_MULTI_PREFIX 0x100000u  /* NAMES and WHO show every prefix (@+nick) */
#define CAP_USERHOST_IN_NAMES 0x200000u /* NAMES gives nick!user@host */
#define CAP_CAP_NOTIFY 0x400000u    /* CAP NEW/DEL (never sent: the offer is fixed) */
#define CAP_AWAY_NOTIFY 0x800000u   /* AWAY lines from room-mates */
#define CAP_INVITE_NOTIFY 0x1000000u /* INVITEs in rooms one is an operator of */
#define CAP_SETNAME 0x2000000u      /* SETNAME lines from room-mates */
#define CAP_EXTENDED_MONITOR 0x4000000u /* those lines also about MONITORed nicks */
#define CAP_MULTILINE 0x40000000u  /* draft/multiline: a pasted block as one batch */

enum session_kind {
	SESSION_UNDECIDED, /* no line yet */
	SESSION_IRC,
	SESSION_PLAIN,
};

/* Plain login steps: the nick; the account's password when that nick is
 * registered (plain_account.h); the server's password; chatting. */
enum plain_step { PLAIN_ASK_NICK, PLAIN_ASK_ACCOUNT, PLAIN_ASK_PASSWORD, PLAIN_CHAT };

struct channel;
struct reply_stream;
struct readmarks;
struct multiline;
struct plain_history_mark;
struct sasl_exchange;
struct session_extra;

struct session {
	/* What a sender touches for every recipient of a broadcast comes first,
	 * together, so a fan-out costs each recipient as few cache lines as
	 * possible. */
	enum session_kind kind;      /* set before registration, const after */
	atomic_uint caps;            /* CAP_* bits; written by the worker */
	atomic_int refs;
	/* queue */
	bool q_flushing;             /* a thread is writing the queue (lock dropped) */
	bool q_dead;                 /* closing: accept no more messages */
	bool q_armed;                /* worker was woken to write the queue */
	/* The worker may be in (or on its way into) its wait: whoever arms the
	 * queue must signal it. False while it runs between a wait and its next
	 * write_own_queue (worker.c), which looks at the queue before any wait:
	 * then arming is enough, and a signal would only cost a syscall, a
	 * handler and an empty wait (session_queue_write). */
	bool q_waiting;
	bool q_sendq_exceeded;
	bool q_worker_running;       /* the worker may be signalled (see session_wake) */
	int q_error;                 /* errno of a failed send, or 0 */
	unsigned long long q_stamp;  /* last broadcast queued (dedupe) */
	pthread_mutex_t q_lock;
	struct outq q;
	/* The worker thread, stored by the worker as it starts; the starter
	 * joins it (worker.h). */
	pthread_t q_worker;
	pid_t q_worker_tid;          /* its kernel id, for tgkill (session_wake) */

	/* Below, 8-byte fields first and arrays and flags last in each group,
	 * so the compiler pads nothing: every idle connection carries each byte. */

	/* const */
	int fd;                      /* t's descriptor number, for people (/conn) */
	unsigned long id;
	long long connected_unix_ms;
	long long connected_mono_ms;
	/* The connection (transport.h). Used by the worker, and by whoever
	 * writes the queue (session_queue_write) if ops->shared_writes; closed
	 * by the worker under q_lock once nobody writes (q_dead, !q_flushing). */
	struct transport t;
	/* The list of whoever started the session (the acceptor, listener.c),
	 * under its lock; session.c never touches them. */
	struct session *prev, *next;
	/* What is needed only now and then (struct session_extra below), or
	 * NULL: made by the first thread that needs it (session_extra), never
	 * replaced, freed with the session. */
	_Atomic(struct session_extra *) extra;

	/* set by the worker before the session is registered, const after */
	/* At most REALNAME_LEN_MAX bytes; NULL before USER. Set by the worker
	 * before registration; after it, a registry field (SETNAME changes it
	 * under the registry write lock; others read it under the read lock). */
	char *realname;

	/* registry */
	char *away;                  /* NULL when present */
	/* The account: extra->account (session_account). */

	/* membership */
	pthread_mutex_t memb_lock;
	struct channel **channels;   /* channels this session is a member of, in join order */
	unsigned nchannels, channels_cap;

	_Atomic long long last_message_mono_ms; /* for WHOIS idle */

	/* worker */
	struct linebuf in;
	struct tokenbucket flood;
	long long last_read_mono_ms;
	long long ping_sent_mono_ms; /* 0: no PING outstanding */
	char *stack_low;             /* lowest address of the worker's stack */
	long long busy_mono_ms;      /* when the worker last handled a line */
	struct session **flush_list; /* recipients to flush after a broadcast */
	unsigned nflush, flush_cap;
	/* These two are set for a moment by many clients (every JOIN streams
	 * its NAMES; a client that labels its commands gets a response each),
	 * so they stay here: in session_extra they would make one for good. */
	struct reply_stream *reply;  /* streamed replies in progress (reply.h), or NULL */
	/* Who takes the lines this session's commands queue for it (an IRC
	 * labeled response, deliver.h), or NULL; freed with the session. */
	struct own_lines *own;
	unsigned batch_seq;          /* IRCv3 batch references used (irc_batch.h) */
	enum plain_step plain_step;

	/* const */
	unsigned short remote_port;
	char host[ENDPOINT_HOST_MAX]; /* remote address, no port */
	/* set by the worker before the session is registered, const after */
	char user[USER_LEN_MAX + 1];
	/* registry */
	char nick[NICK_LEN_MAX + 1]; /* "" until a NICK was accepted */
	bool registered;
	bool invisible;
	bool oper;                   /* +o: OPER succeeded (irc_oper.c) */
	bool wallops;                /* +w: receives WALLOPS */
	bool bot;                    /* +B: a bot (IRCv3 bot mode: WHOIS 335, WHO B, bot tag) */
	/* worker */
	bool cap_negotiating;
	bool cap_302;                /* CAP LS 302 seen: LS shows capability values */
	bool pass_ok;
	bool quitting;               /* the reason is extra->quit_reason */
	bool busy_since_trim;        /* idle memory to give back once quiet */
	bool input_seen;             /* the first bytes were read (and looked at) */
	bool close_silently;         /* no goodbye: the peer does not speak our protocol */
};

/* The part of a session that most connections never use (an account, a
 * KILL, a nick regain, SASL, MONITOR, a multiline batch, plain mode), kept
 * out of struct session because 10,000 idle connections would each carry
 * it (docs/performance.md, "Idle memory under 64 MiB again"). Made zeroed
 * on first use and kept until the session is freed, so a pointer to it
 * stays valid as long as a reference to the session. Read it with
 * session_extra_read (no allocation: an all-zero stand-in when there is
 * none yet) and write it through session_extra. Each field keeps the owner
 * it would have in struct session (the header comment's terms). */
struct session_extra {
	/* queue */
	char *q_killed_by;           /* KILL: "oper (reason)", set by the killer; or NULL */
	bool q_killed_banned;        /* q_killed_by is a server ban's reason (KLINE) */
	/* Nick regain (nickown.h): set by an owner's worker, a reference to
	 * that owner, when this session must give up the owner's nick; and
	 * set by the holder's worker when the nick this session asked for is
	 * free now. Both taken by this session's worker. */
	bool q_regain_ready;
	struct session *q_yield_to;
	/* Plain mode's current room ("" for none): its messages read without
	 * "[#room] " (plain_render.h). Under q_lock because deliver.c reads it
	 * for every plain recipient while it holds that lock anyway; written
	 * by the worker (plain.c: join, /join, /part) and by a thread whose
	 * KICK removes the session from that room (deliver.c). */
	char plain_room[CHANNEL_LEN_MAX + 1];

	/* registry */
	/* The account this connection is logged in to, as registered ("": none).
	 * Written only by chat_account_set (chat_account.c). */
	char account[NICK_LEN_MAX + 1];

	/* worker */
	bool killed_banned;          /* taken from q_killed_banned: killed_by is a ban reason */
	unsigned sasl_failures;      /* failed AUTHENTICATE attempts (irc_sasl.h) */
	char *quit_reason;           /* set with quitting */
	char *killed_by;             /* taken from q_killed_by: the goodbye says who killed */
	char *pass_login;            /* PASS "account:password" kept until registration ends */
	struct readmarks *readmarks; /* MARKREAD's markers (readmark.h), NULL until one is set */
	struct plain_history_mark *plain_history; /* where /history goes on (plain_info.c) */
	char (*monitor_nicks)[NICK_LEN_MAX + 1]; /* MONITOR list as written (monitor.h) */
	size_t nmonitor;             /* at most MONITOR_MAX */
	struct multiline *multiline; /* a draft/multiline batch being sent, or NULL (multiline.h) */
	/* OPER attempts that failed lately (irc_oper.c); rate 0 until the first */
	struct tokenbucket oper_tries;
	long long nick_grace_mono_ms; /* when a squatted registered nick is taken away (0: none) */
	char *regain_nick;           /* a NICK waiting for its holder to yield (nickown.h) */
	struct sasl_exchange *sasl;  /* AUTHENTICATE in progress (irc_sasl.c), or NULL */
};

/* s's extra part, made now if s has none yet. Any thread; the fields it
 * then touches follow their own rules (above). */
struct session_extra *session_extra(struct session *s);

/* s's extra part for reading: an all-zero one (never written) if s has
 * none yet, so "not set" reads as it did inside struct session. */
extern const struct session_extra session_extra_none;
static inline const struct session_extra *session_extra_read(const struct session *s)
{
	const struct session_extra *x = atomic_load_explicit(&s->extra, memory_order_acquire);
	return x ? x : &session_extra_none;
}

/* The account s is logged in to ("" for none); a registry field. */
static inline const char *session_account(const struct session *s)
{
	return session_extra_read(s)->account;
}

/* What takes the lines a session's command queues for the session itself,
 * instead of its queue (deliver.h says when; an IRC labeled response,
 * irc_response.h). Worker only. */
struct own_lines {
	/* Takes data[0..len), whole lines with CR LF; exempt: a streamed
	 * chunk (SendQ-exempt, reply.h). May run under a channel lock: it
	 * only queues. */
	void (*take)(struct session *s, const char *data, size_t len, bool exempt);
	/* Frees the taker (the session ends; it may be mid-response). */
	void (*release)(struct own_lines *own);
	bool taking; /* lines go to take() now (during a command or its stream) */
};

/* A new session for an open connection, which it takes over (the transport
 * is closed with the session). One reference, owned by the caller. */
struct session *session_new(const struct transport *t, const struct sockaddr *peer,
			    socklen_t peer_len);

struct session *session_ref(struct session *s);
void session_unref(struct session *s);

/* The signal that wakes a worker from its wait. Every thread keeps it
 * blocked; a worker unblocks it only inside ppoll(), so a wake sent at any
 * other moment stays pending and ends the next wait at once. Set up by
 * session_signals_init() (worker.h) before the first worker starts. */
#define SESSION_WAKE_SIGNAL SIGUSR1

/* Wakes the worker (queue needs writing, SendQ exceeded, write error) if it
 * is still running. Caller holds q_lock. */
void session_wake(struct session *s);

/* The same for a caller that does not hold q_lock (shutdown). */
void session_wake_unlocked(struct session *s);

/* Writes as much of the queue as the socket accepts now. Caller holds q_lock;
 * it is dropped around each send, so others keep queueing (and move on)
 * while this thread writes what they queued too. If another thread is
 * already writing, returns at once: that one picks up what was added. If
 * data is left and the worker is not yet watching for writability, it is
 * woken. */
void session_queue_write(struct session *s);

/* Frees the calling thread's array for long writes (made by the first
 * write of a queue longer than 64 lines); a thread that goes idle or ends
 * calls it. */
void session_write_buffer_release(void);

/* Waits until no other thread is writing the queue; q_lock held. */
void session_queue_wait_idle(struct session *s);

/* Takes q_lock and writes the queue (session_queue_write) unless the
 * connection is closing. */
void session_flush(struct session *s);

/* Any thread: asks s's worker to end the session because of a KILL; by
 * ("killer (reason)", at most QUIT_REASON_MAX bytes kept) goes into its
 * goodbye and QUIT. The first KILL wins. Caller holds no lock. */
void session_kill(struct session *s, const char *by);

/* The same for a server ban (KLINE): reason (cut to QUIT_REASON_MAX) goes
 * into the goodbye "Closing link: HOST (K-lined: reason)"; rooms hear the
 * QUIT "K-lined". */
void session_kill_banned(struct session *s, const char *reason);

/* Ends the session after the current line: reason goes to others' QUIT. */
void session_quit(struct session *s, const char *reason);

/* The nick to address s with in numerics ("*" before one was chosen). */
const char *session_target(const struct session *s);

/* The peer's "address:port" ("[v6]:port") into buf (ENDPOINT_STR_MAX). */
void session_remote(const struct session *s, char *buf, size_t cap);

/* The server's end of the connection, "address:port", while it is open. */
void session_local(const struct session *s, char *buf, size_t cap);

/* Sets the real name (USER's last parameter), cut to at most
 * REALNAME_LEN_MAX bytes at a character boundary. */
void session_set_realname(struct session *s, const char *text);

/* "nick!user@host" of a session, as a value: SESSION_SOURCE_MAX holds any
 * (nick 30, user 10, host 46 and the separators). */
#define SESSION_SOURCE_MAX 128
struct source {
	char text[SESSION_SOURCE_MAX];
};
struct source session_source(const struct session *s);

/* qsort/bsearch order of session pointers by address (sets of sessions:
 * duplicates found, membership looked up). */
int session_ptr_order(const void *a, const void *b);

/* --- plain mode's current room (plain_room above; plain.h says how it moves) --- */

/* Any thread, s's q_lock held: is room s's current room? */
bool session_plain_room_is_locked(const struct session *s, const char *room);

/* Any thread, s's q_lock held: s leaves room (a KICK); if it was current,
 * next (from channel_last_joined_except, channel.h) becomes current and true is returned. */
bool session_plain_room_leave_locked(struct session *s, const char *room, const char *next);

#endif
