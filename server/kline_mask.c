/* kline_mask: see kline_mask.h. */
#include "kline_mask.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ircname.h"

bool kline_wild_match(const char *pattern, const char *text)
{
	const char *p = pattern, *t = text, *star = NULL, *resume = NULL;
	while (*t) {
		if (*p == '*') {
			star = p++;
			resume = t;
		} else if (*p && (*p == '?' || ircname_fold_char(*p) == ircname_fold_char(*t))) {
			p++;
			t++;
		} else if (star) {
			p = star + 1;
			t = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* True when s is only '*' (a part that matches anything). */
static bool only_stars(const char *s)
{
	return s[strspn(s, "*")] == '\0';
}

/* Copies part [from, from+len) into dst (cap bytes), "*" when empty. */
static int part_copy(char *dst, size_t cap, const char *from, size_t len)
{
	if (len == 0) {
		from = "*";
		len = 1;
	}
	if (len >= cap)
		return -1;
	memcpy(dst, from, len);
	dst[len] = '\0';
	return 0;
}

/* Clears the bits of addr past prefix (n bytes). */
static void addr_clear_host_bits(unsigned char *addr, int n, int prefix)
{
	for (int i = 0; i < n; i++) {
		int keep = prefix - i * 8;
		if (keep >= 8)
			continue;
		addr[i] &= keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
	}
}

/* Parses "ADDR" or "ADDR/N" into m's net fields and rewrites m->host
 * canonically. Returns 1 when host is an address form, 0 when it is not
 * (a pattern), -1 when it has a '/' but is not a valid block. */
static int net_parse(struct kline_mask *m, const char **why)
{
	char buf[KLINE_MASK_MAX + 1];
	snprintf(buf, sizeof buf, "%s", m->host);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, m->addr) == 1) {
		m->family = AF_INET;
	} else if (inet_pton(AF_INET6, buf, m->addr) == 1) {
		m->family = AF_INET6;
	} else {
		if (slash)
			*why = "the part before / is not an IPv4 or IPv6 address";
		return slash ? -1 : 0;
	}
	int bits = m->family == AF_INET ? 32 : 128;
	m->prefix = bits;
	if (slash) {
		const char *n = slash + 1;
		if (!n[0] || strlen(n) > 3 || n[strspn(n, "0123456789")] != '\0' ||
		    atoi(n) > bits) {
			*why = "the prefix length after / is not a number from 0 to 32 (IPv4) "
			       "or 128 (IPv6)";
			return -1;
		}
		m->prefix = atoi(n);
	}
	addr_clear_host_bits(m->addr, bits / 8, m->prefix);
	char text[INET6_ADDRSTRLEN];
	inet_ntop(m->family, m->addr, text, sizeof text);
	if (m->prefix == bits)
		snprintf(m->host, sizeof m->host, "%s", text);
	else
		snprintf(m->host, sizeof m->host, "%s/%d", text, m->prefix);
	m->net = true;
	return 1;
}

/* Splits folded text into nick, user and host (the forms in kline_mask.h). */
static int mask_split(struct kline_mask *m, const char *text, const char **why)
{
	const char *bang = strchr(text, '!');
	const char *at = strrchr(text, '@');
	if (bang && at && at < bang) {
		*why = "a mask is nick!user@host: the @ must come after the !";
		return -1;
	}
	const char *nick = text, *user = bang ? bang + 1 : text, *host = at ? at + 1 : text;
	size_t nick_len = bang ? (size_t)(bang - text) : 0;
	size_t user_len = bang ? (at ? (size_t)(at - user) : strlen(user))
			       : (at ? (size_t)(at - text) : 0);
	size_t host_len = at ? strlen(host) : (bang ? 0 : strlen(text));
	if (part_copy(m->nick, sizeof m->nick, nick, nick_len) < 0 ||
	    part_copy(m->user, sizeof m->user, user, user_len) < 0 ||
	    part_copy(m->host, sizeof m->host, host, host_len) < 0) {
		*why = "the mask is too long";
		return -1;
	}
	return 0;
}

int kline_mask_parse(const char *text, struct kline_mask *m, const char **why)
{
	memset(m, 0, sizeof *m);
	size_t len = strlen(text);
	if (len == 0) {
		*why = "the mask is empty";
		return -1;
	}
	if (len > KLINE_MASK_MAX) {
		*why = "the mask is too long";
		return -1;
	}
	char folded[KLINE_MASK_MAX + 1];
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c <= 0x20 || c >= 0x7f || c == ',') {
			*why = "a mask is printable ASCII without spaces or commas";
			return -1;
		}
		folded[i] = ircname_fold_char((char)c);
	}
	folded[len] = '\0';
	if (mask_split(m, folded, why) < 0)
		return -1;
	if (strchr(m->nick, '@') || strchr(m->user, '!') || strchr(m->user, '@') || strchr(m->host, '!') ||
	    strchr(m->host, '@')) {
		*why = "a mask has at most one ! and one @";
		return -1;
	}
	if (strchr(m->nick, ':') || strchr(m->user, ':')) {
		*why = "a nick or user part cannot contain ':'";
		return -1;
	}
	if (net_parse(m, why) < 0)
		return -1;
	if ((size_t)snprintf(m->text, sizeof m->text, "%s!%s@%s", m->nick, m->user, m->host) >=
	    sizeof m->text) {
		*why = "the mask is too long";
		return -1;
	}
	return 0;
}

bool kline_mask_everyone(const struct kline_mask *m)
{
	if (!only_stars(m->nick) || !only_stars(m->user))
		return false;
	return m->net ? m->prefix == 0 : only_stars(m->host);
}

bool kline_mask_address_only(const struct kline_mask *m)
{
	return only_stars(m->nick) && only_stars(m->user);
}

bool kline_mask_match_host(const struct kline_mask *m, const char *host)
{
	if (!m->net)
		return kline_wild_match(m->host, host);
	unsigned char addr[16];
	int family = strchr(host, ':') ? AF_INET6 : AF_INET;
	if (family != m->family || inet_pton(family, host, addr) != 1)
		return false;
	addr_clear_host_bits(addr, family == AF_INET ? 4 : 16, m->prefix);
	return memcmp(addr, m->addr, family == AF_INET ? 4 : 16) == 0;
}

bool kline_mask_match(const struct kline_mask *m, const char *nick, const char *user,
		      const char *host)
{
	return kline_wild_match(m->nick, nick) && kline_wild_match(m->user, user) &&
	       kline_mask_match_host(m, host);
}
