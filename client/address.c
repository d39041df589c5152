/* address: server addresses and URLs parsed without I/O. */
#include "address.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Copies len bytes of s into out (cap bytes); -1 when they do not fit. */
static int address_copy(char *out, size_t cap, const char *s, size_t len)
{
	if (len >= cap)
		return -1;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

/* A port of 1 to 5 digits, 1..65535; -1 otherwise. */
static int address_port(const char *p, size_t len, struct address *out)
{
	if (len == 0 || len > ADDRESS_PORT_MAX)
		return -1;
	long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	return address_copy(out->port, sizeof(out->port), p, len);
}

/* Strips a known scheme and a trailing "/" ; returns the length left. */
static size_t address_scheme(const char **arg, struct address *out)
{
	if (strncmp(*arg, "ircs://", 7) == 0) {
		out->scheme_tls = true;
		*arg += 7;
	} else if (strncmp(*arg, "irc://", 6) == 0) {
		out->scheme_plain = true;
		*arg += 6;
	}
	size_t len = strlen(*arg);
	if ((out->scheme_tls || out->scheme_plain) && len > 0 && (*arg)[len - 1] == '/')
		len--;
	return len;
}

/* Parses "[nick@]host[:port]" and the URL forms. */
int address_parse(const char *arg, struct address *out)
{
	memset(out, 0, sizeof(*out));
	if (strstr(arg, "://") && strncmp(arg, "irc://", 6) != 0 && strncmp(arg, "ircs://", 7) != 0)
		return -1;
	size_t len = address_scheme(&arg, out);
	const char *end = arg + len;
	const char *at = memrchr(arg, '@', len);
	if (at) {
		if (address_copy(out->nick, sizeof(out->nick), arg, (size_t)(at - arg)) < 0)
			return -1;
		arg = at + 1;
	}
	const char *host = arg, *port = NULL;
	size_t hostlen;
	if (arg < end && arg[0] == '[') {
		const char *close = memchr(arg, ']', (size_t)(end - arg));
		if (!close || (close + 1 != end && close[1] != ':'))
			return -1;
		host = arg + 1;
		hostlen = (size_t)(close - host);
		port = close + 1 != end ? close + 2 : NULL;
	} else {
		const char *colon = memchr(arg, ':', (size_t)(end - arg));
		if (colon && memchr(colon + 1, ':', (size_t)(end - colon - 1)))
			colon = NULL; /* a bare IPv6 address */
		hostlen = colon ? (size_t)(colon - arg) : (size_t)(end - arg);
		port = colon ? colon + 1 : NULL;
	}
	if (memchr(host, '/', hostlen) ||
	    address_copy(out->host, sizeof(out->host), host, hostlen) < 0)
		return -1;
	if (port && address_port(port, (size_t)(end - port), out) < 0)
		return -1;
	return 0;
}

/* The known_servers key of a server. */
int address_key(const char *host, const char *port, char *out, size_t cap)
{
	bool v6 = strchr(host, ':') != NULL;
	int n = snprintf(out, cap, "%s%s%s:%s", v6 ? "[" : "", host, v6 ? "]" : "", port);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}
