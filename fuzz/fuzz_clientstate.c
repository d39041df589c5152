/* fuzz_clientstate: the client's IRC line -> model path (client/state*.c,
 * client/nicklist.c and client/whotext.c), as a hostile server drives it.
 *
 * Input: byte 0 chooses, bit by bit (bits 0..6), after which lines the
 * harness also does what the user can do (switch, close or open a window,
 * send a message, lose and regain the connection); bit 7 asks for the lines
 * to be replayed: byte 1 + 1 times (at most 64), with every "%n" in a line
 * replaced by the round's number, so small inputs can reach the limits
 * (windows, query windows, nick lists). The rest, split at LF (a CR before it
 * dropped), are the lines, at most 1024 applied in all.
 *
 * Checked: state_check() (limits, window list, nick-list order and index)
 * after the first 16 lines, every 128th and at the end; every window and member
 * accessor answers; display lines have text; lines to send have no CR/LF and
 * fit an IRC line. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "ircmsg.h"
#include "state.h"
#include "xalloc.h"

#define FZ_NOW 1700000000000LL
#define FZ_LINES_MAX 1024
#define FZ_ROUNDS_MAX 64
#define FZ_LINE_BUF 8192

/* Takes every display line and line to send, checking each. */
static void fz_drain(struct state *st)
{
	struct state_line l;
	char *s;

	while (state_pop_line(st, &l)) {
		FUZZ_CHECK(l.text != NULL && l.nick != NULL);
		state_line_free(&l);
	}
	while ((s = state_pop_send(st)) != NULL) {
		FUZZ_CHECK(strpbrk(s, "\r\n") == NULL);
		FUZZ_CHECK(strlen(s) < IRC_LINE_MAX);
		free(s);
	}
}

/* Walks every accessor and checks the invariants. */
static void fz_check(struct state *st)
{
	const char *why = state_check(st);
	if (why)
		fprintf(stderr, "state_check: %s\n", why);
	FUZZ_CHECK(why == NULL);
	size_t n = state_window_count(st);
	FUZZ_CHECK(n >= 1 && n <= STATE_WINDOWS_MAX);
	FUZZ_CHECK(state_current(st) < n);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(state_window_name(st, i) && state_window_topic(st, i));
		FUZZ_CHECK(state_window_index(st, state_window_id(st, i)) == (int)i);
		size_t members = state_member_count(st, i);
		FUZZ_CHECK(members <= STATE_MEMBERS_MAX);
		for (size_t k = 0; k < members; k++)
			FUZZ_CHECK(state_member_nick(st, i, k)[0] != '\0');
	}
	FUZZ_CHECK(state_nick(st)[0] != '\0');
}

/* One user action, chosen by a number from the input. */
static void fz_user(struct state *st, size_t choice)
{
	size_t n = state_window_count(st);
	char name[32];

	switch (choice % 6) {
	case 0:
		state_set_current(st, choice / 6 % n);
		break;
	case 1:
		state_window_close(st, choice / 6 % n);
		break;
	case 2:
		snprintf(name, sizeof(name), "q%zu", choice % 97);
		state_window_open(st, WIN_QUERY, name);
		break;
	case 3:
		state_own_message(st, choice & 8 ? "#lobby" : "bob", LINE_MESSAGE, "hi", FZ_NOW);
		break;
	case 4:
		state_disconnected(st, "gone", FZ_NOW);
		break;
	default:
		state_connected(st, "back", FZ_NOW);
		break;
	}
}

/* Copies line into out with every "%n" replaced by round. */
static void fz_expand(const char *line, size_t len, unsigned round, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < len && o + 12 < cap; i++) {
		if (line[i] == '%' && i + 1 < len && line[i + 1] == 'n') {
			o += (size_t)snprintf(out + o, cap - o, "%u", round);
			i++;
		} else {
			out[o++] = line[i];
		}
	}
	out[o] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size, 0};
	uint8_t ops = fuzz_byte(&in);
	unsigned rounds = ops & 0x80 ? fuzz_byte(&in) + 1u : 1;
	const char *text = (const char *)data + in.pos;
	size_t text_len = size - in.pos;
	static char buf[FZ_LINE_BUF];
	size_t applied = 0;

	if (size > 4096)
		return 0;
	if (rounds > FZ_ROUNDS_MAX)
		rounds = FZ_ROUNDS_MAX;
	struct state *st = state_new("alice", "localhost");
	state_window_open(st, WIN_CHANNEL, "#lobby");
	state_set_current(st, 1);
	for (unsigned r = 0; r < rounds && applied < FZ_LINES_MAX; r++) {
		size_t pos = 0;
		while (pos < text_len && applied < FZ_LINES_MAX) {
			const char *nl = memchr(text + pos, '\n', text_len - pos);
			size_t len = nl ? (size_t)(nl - (text + pos)) : text_len - pos;
			size_t linelen = len > 0 && text[pos + len - 1] == '\r' ? len - 1 : len;
			fz_expand(text + pos, linelen, r, buf, sizeof(buf));
			state_apply(st, buf, FZ_NOW + (long long)applied);
			if (ops & (1u << (applied % 7)))
				fz_user(st, len + applied);
			fz_drain(st);
			if (applied < 16 || applied % 128 == 0)
				fz_check(st);
			applied++;
			pos += len + 1;
		}
	}
	fz_check(st);
	state_free(st);
	return 0;
}
