/* ui: the terminal's life (curses on and off) and the UI thread's loop. */
#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "clock.h"
#include "ui_command.h"
#include "ui_draw.h"
#include "ui_input.h"
#include "ui_priv.h"
#include "ui_window.h"
#include "xalloc.h"

#define UI_HISTORY 200
#define UI_TICK_MS 1000 /* redraw interval while lines wait to be sent */
/* Network events applied per turn of the loop: then keys are read and the
 * screen drawn before more, so a flood never makes the client deaf. */
#define UI_EVENTS_PER_WAKE 256

/* Sends what the state wants sent: JOINs after a connect like the user's
 * lines, CTCP replies as automatic lines that give way to them. */
static void ui_flush_state_sends(struct ui *ui)
{
	char *line;
	while ((line = state_pop_send(ui->st)) != NULL) {
		net_send(ui->net, line);
		free(line);
	}
	while ((line = state_pop_reply(ui->st)) != NULL) {
		net_send_auto(ui->net, line); /* a drop is counted by net */
		free(line);
	}
}

/* Tells the server window about automatic replies the network thread
 * dropped since last time (few: the state answers 3 CTCPs a minute). */
static void ui_note_dropped(struct ui *ui, const struct net_status *ns)
{
	if (ns->auto_dropped <= ui->auto_dropped)
		return;
	unsigned long long fresh = ns->auto_dropped - ui->auto_dropped;
	char text[160];
	snprintf(text, sizeof(text),
	         "Did not send %llu automatic CTCP repl%s: %s would have delayed your own lines",
	         fresh, fresh == 1 ? "y" : "ies", fresh == 1 ? "it" : "they");
	state_note(ui->st, 0, LINE_INFO, text, clock_unix_ms());
	ui->auto_dropped = ns->auto_dropped;
}

/* Applies one network event. */
static void ui_on_event(struct ui *ui, struct event *ev)
{
	long long now = clock_unix_ms();
	size_t cur = state_current(ui->st);
	switch (ev->kind) {
	case EVENT_LINE: {
		char before[IRC_LINE_MAX];
		snprintf(before, sizeof(before), "%s", state_nick(ui->st));
		state_apply(ui->st, ev->text, now);
		if (strcmp(before, state_nick(ui->st)) != 0)
			net_set_nick(ui->net, state_nick(ui->st));
		break;
	}
	case EVENT_CONNECTED:
		ui->trust_asking = false; /* a question of an earlier connection is void */
		state_connected(ui->st, ev->text, now);
		break;
	case EVENT_DISCONNECTED:
		ui->trust_asking = false;
		state_disconnected(ui->st, ev->text, now);
		break;
	case EVENT_TRUST:
		ui->trust_asking = true; /* the question shows like an error, where one looks */
		__attribute__((fallthrough));
	case EVENT_INFO:
	case EVENT_ERROR:
	case EVENT_STOPPED: {
		enum state_line_kind kind = ev->kind == EVENT_INFO ? LINE_INFO : LINE_ERROR;
		state_note(ui->st, 0, kind, ev->text, now);
		if (cur != 0)
			state_note(ui->st, cur, kind, ev->text, now);
		if (ev->kind == EVENT_STOPPED) {
			ui->trust_asking = false;
			state_note(
			    ui->st, cur, LINE_ERROR,
			    "Not reconnecting; /quit to leave and try again with other settings",
			    now);
		}
		break;
	}
	}
	if (*ui->want_window) {
		int idx = state_window_find(ui->st, ui->want_window);
		if (idx >= 0) {
			ui_switch(ui, (size_t)idx);
			ui->want_window[0] = '\0';
		}
	}
}

/* Applies up to UI_EVENTS_PER_WAKE queued events; true when it stopped at
 * that bound (more may be waiting, and the wake-up byte is already used). */
static bool ui_drain_events(struct ui *ui)
{
	struct event *ev;
	for (int n = 0; n < UI_EVENTS_PER_WAKE; n++) {
		if ((ev = evqueue_pop(ui->q)) == NULL)
			return false;
		ui_on_event(ui, ev);
		event_free(ev);
		ui_flush_state_sends(ui);
		ui_take_lines(ui);
	}
	return true;
}

/* Reads the pending signal: any of them means "quit". */
static void ui_on_signal(struct ui *ui)
{
	struct signalfd_siginfo si;
	if (read(ui->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		ui->quit = true;
		snprintf(ui->quit_reason, sizeof(ui->quit_reason), "Leaving (%s)",
		         strsignal((int)si.ssi_signo));
	}
}

const char *ui_run(struct ui *ui)
{
	struct net_status ns = {0};
	bool more = ui_drain_events(ui);
	ui_draw(ui);
	while (!ui->quit) {
		/* While lines wait, wake up now and then to keep the status (and its
		 * countdown) current; otherwise sleep until something happens. */
		int timeout = ns.waiting > 0 ? UI_TICK_MS : -1;
		/* Events left over from the last turn: look at keys and signals
		 * without waiting, then take the next batch. */
		if (more)
			timeout = 0;
		struct pollfd p[3] = {
		    {.fd = STDIN_FILENO, .events = POLLIN},
		    {.fd = evqueue_fd(ui->q), .events = POLLIN},
		    {.fd = ui->sigfd, .events = POLLIN},
		};
		int r = poll(p, ui->sigfd >= 0 ? 3 : 2, timeout);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0 && (p[0].revents & (POLLHUP | POLLERR)) && !(p[0].revents & POLLIN)) {
			snprintf(ui->quit_reason, sizeof(ui->quit_reason), "Terminal closed");
			break;
		}
		if (r > 0 && ui->sigfd >= 0 && p[2].revents)
			ui_on_signal(ui);
		/* EINTR is usually SIGWINCH: get_wch then returns KEY_RESIZE. */
		ui_read_keys(ui);
		more = !ui->quit && ui_drain_events(ui);
		ui_flush_state_sends(ui);
		net_status(ui->net, &ns);
		ui_note_dropped(ui, &ns);
		ui_take_lines(ui);
		if (!ui->quit)
			ui_draw(ui);
	}
	if (!*ui->quit_reason)
		snprintf(ui->quit_reason, sizeof(ui->quit_reason), "Leaving");
	return ui->quit_reason;
}

struct ui *ui_new(struct state *st, struct net *net, struct evqueue *q, int sigfd,
                  const struct ui_options *opt)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return NULL;
	struct ui *ui = xcalloc(1, sizeof(*ui));
	ui->st = st;
	ui->net = net;
	ui->q = q;
	ui->sigfd = sigfd;
	ui->bell = opt->bell;
	ui->nicklist = opt->nicklist;
	ui->ed = editor_new(UI_HISTORY);
	ui->comp = complete_new();
	ui->sb_budget = scrollback_budget_new(0);
	ui->paste = xcalloc(UI_PASTE_MAX, sizeof(*ui->paste));

	set_escdelay(50);
	if (!initscr()) {
		ui_free(ui);
		return NULL;
	}
	ui->started = true;
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	ui->colors = has_colors();
	if (ui->colors) {
		start_color();
		use_default_colors();
	}
	ui_define_keys();
	/* Bracketed paste: the terminal marks pasted text. */
	fputs("\033[?2004h", stdout);
	fflush(stdout);
	return ui;
}

void ui_free(struct ui *ui)
{
	if (!ui)
		return;
	if (ui->started) {
		endwin();
		fputs("\033[?2004l", stdout);
		fflush(stdout);
	}
	for (size_t i = 0; i < ui->nwins; i++)
		scrollback_free(ui->wins[i].sb);
	free(ui->wins);
	scrollback_budget_free(ui->sb_budget);
	ui_paste_drop(ui);
	free(ui->paste);
	editor_free(ui->ed);
	complete_free(ui->comp);
	free(ui);
}
