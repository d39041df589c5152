/* kline_mask: what a server ban (KLINE) matches, as pure logic: parsing and
 * normalising a mask, and matching it against a user. No I/O, no state.
 *
 * Forms accepted (case-insensitive, stored folded):
 *   nick!user@host     wildcards * (any run) and ? (one byte) in each part
 *   nick!user          host is *
 *   user@host          nick is *
 *   host               nick and user are *
 * where host may also be an address ("10.0.0.7", "2001:db8::1") or a CIDR
 * block ("10.0.0.0/24", "2001:db8::/32"): those match the connection's
 * numeric address by prefix, and are written back canonically (inet_ntop,
 * host bits cleared, "/N" left out for a single address). */
#ifndef PARLEY_KLINE_MASK_H
#define PARLEY_KLINE_MASK_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes of a mask, canonical form (the longest nick!user@host we keep). */
#define KLINE_MASK_MAX 200

struct kline_mask {
	char text[KLINE_MASK_MAX + 1]; /* canonical "nick!user@host", folded */
	char nick[KLINE_MASK_MAX + 1];
	char user[KLINE_MASK_MAX + 1];
	char host[KLINE_MASK_MAX + 1]; /* the pattern, or the canonical address/CIDR */
	bool net;                      /* host is an address or CIDR block */
	int family;                    /* AF_INET or AF_INET6 when net */
	int prefix;                    /* bits compared when net */
	unsigned char addr[16];        /* network address when net (4 used for v4) */
};

/* Parses and normalises text into m. Returns 0, or -1 with *why set to a
 * short English reason (empty, too long, a byte that cannot be in a mask,
 * a bad address or prefix). */
int kline_mask_parse(const char *text, struct kline_mask *m, const char **why);

/* True when m matches everyone: every part only *, or a /0 block. Such a
 * ban is refused. */
bool kline_mask_everyone(const struct kline_mask *m);

/* True when m says nothing about nick and user (both only *): it can be
 * checked when a connection is accepted, before anything is read. */
bool kline_mask_address_only(const struct kline_mask *m);

/* True when m matches host alone (the nick and user parts are not looked at). */
bool kline_mask_match_host(const struct kline_mask *m, const char *host);

/* True when m matches the user nick!user@host (host: the numeric address). */
bool kline_mask_match(const struct kline_mask *m, const char *nick, const char *user,
		      const char *host);

/* Wildcard match of text against pattern (* and ?), case-insensitive in the
 * IRC sense (ircname_fold_char). Bounded: no recursion, O(len^2) worst. */
bool kline_wild_match(const char *pattern, const char *text);

#endif
