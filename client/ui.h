/* ui: the terminal (the only code that calls curses), run by the UI thread.
 *
 * Layout, top to bottom: title line (room and topic), message area with an
 * optional nick list on the right, status line (nick, window, users, lag,
 * activity), input line. The loop waits in poll() on stdin, the event
 * queue's wake-up pipe and a signalfd (SIGINT/SIGTERM/SIGHUP), with no
 * timeout: idle CPU is 0. Events are applied to the state, keys to the
 * editor, commands to the network.
 *
 * The ui is five modules sharing ui_priv.h: ui.c (this contract: curses on
 * and off, the loop, network events), ui_window (scrollbacks, layout,
 * scrolling), ui_draw (every row drawn), ui_input (keys, completion, paste)
 * and ui_command (the user's commands carried out). */
#ifndef PARLEY_UI_H
#define PARLEY_UI_H

#include "command.h"
#include "evqueue.h"
#include "net.h"
#include "state.h"

struct ui_options {
	enum bell_mode bell;
	bool nicklist; /* shown at start */
};

struct ui;

/* Starts curses (and bracketed paste) on the terminal. sigfd is a signalfd
 * for the quitting signals (or -1). NULL when the terminal cannot be used. */
struct ui *ui_new(struct state *st, struct net *net, struct evqueue *q, int sigfd,
                  const struct ui_options *opt);

/* Runs until the user quits. Returns the quit reason (static or owned by ui,
 * valid until ui_free). */
const char *ui_run(struct ui *ui);

/* Restores the terminal (endwin, bracketed paste off) and frees the ui. */
void ui_free(struct ui *ui);

#endif
