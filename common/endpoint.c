/* endpoint: printable socket addresses. */
#include "endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Leaves a visible placeholder so a failed format never prints garbage. */
static int endpoint_fail(char *buf, size_t cap)
{
	if (cap >= 2) {
		buf[0] = '?';
		buf[1] = '\0';
	} else if (cap == 1) {
		buf[0] = '\0';
	}
	return -1;
}

/* Writes the numeric host; *v6 tells whether it needs brackets before a port. */
static int endpoint_host(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap, int *v6)
{
	char tmp[INET6_ADDRSTRLEN];
	int n;

	*v6 = 0;
	if (!sa)
		return -1;
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		if (!inet_ntop(AF_INET, &sin->sin_addr, tmp, sizeof(tmp)))
			return -1;
	} else if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			/* A dual-stack listener sees IPv4 peers this way; users
			 * know them by their IPv4 form. */
			if (!inet_ntop(AF_INET, &sin6->sin6_addr.s6_addr[12], tmp, sizeof(tmp)))
				return -1;
		} else {
			if (!inet_ntop(AF_INET6, &sin6->sin6_addr, tmp, sizeof(tmp)))
				return -1;
			*v6 = 1;
		}
	} else {
		return -1;
	}
	n = snprintf(buf, cap, "%s", tmp);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	return 0;
}

/* The port of an AF_INET or AF_INET6 address (already checked by endpoint_host). */
static unsigned endpoint_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
}

/* "host:port", with IPv6 hosts bracketed so the port stays unambiguous. */
int endpoint_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap)
{
	char host[INET6_ADDRSTRLEN];
	int v6, n;

	if (endpoint_host(sa, len, host, sizeof(host), &v6) < 0)
		return endpoint_fail(buf, cap);
	if (v6)
		n = snprintf(buf, cap, "[%s]:%u", host, endpoint_port(sa));
	else
		n = snprintf(buf, cap, "%s:%u", host, endpoint_port(sa));
	if (n < 0 || (size_t)n >= cap)
		return endpoint_fail(buf, cap);
	return 0;
}

/* The bare numeric host, as used in hostmasks. */
int endpoint_format_host(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap)
{
	int v6;

	if (endpoint_host(sa, len, buf, cap, &v6) < 0)
		return endpoint_fail(buf, cap);
	return 0;
}

/* Our side of a connection (the listener address it came in on). */
int endpoint_local(int fd, char *buf, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return endpoint_fail(buf, cap);
	return endpoint_format((struct sockaddr *)&ss, len, buf, cap);
}

/* The peer's side of a connection. */
int endpoint_remote(int fd, char *buf, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		return endpoint_fail(buf, cap);
	return endpoint_format((struct sockaddr *)&ss, len, buf, cap);
}

/* Strict decimal port: digits only, no sign, no spaces, at most 65535. */
static int endpoint_parse_port(const char *s, int *port)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > 65535)
			return -1;
	}
	*port = (int)v;
	return 0;
}

/* Numeric addresses only: a --bind value must never wait on DNS. */
int endpoint_parse(const char *text, int default_port, struct sockaddr_storage *out,
                   socklen_t *outlen, const char **reason)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port_text = NULL;
	const char *colon;
	size_t hlen;
	int port = default_port;
	int want_v6;

	if (!text || *text == '\0') {
		*reason = "empty address";
		return -1;
	}
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close) {
			*reason = "missing ']'";
			return -1;
		}
		hlen = (size_t)(close - text - 1);
		text++;
		if (close[1] == ':')
			port_text = close + 2;
		else if (close[1] != '\0') {
			*reason = "junk after ']'";
			return -1;
		}
		want_v6 = 1;
	} else {
		colon = strchr(text, ':');
		if (colon && strchr(colon + 1, ':')) {
			/* Several colons: a bare IPv6 address, which cannot
			 * carry a port without brackets. */
			hlen = strlen(text);
			want_v6 = 1;
		} else {
			hlen = colon ? (size_t)(colon - text) : strlen(text);
			if (colon)
				port_text = colon + 1;
			want_v6 = 0;
		}
	}
	if (hlen == 0 || hlen >= sizeof(host)) {
		*reason = "bad address length";
		return -1;
	}
	memcpy(host, text, hlen);
	host[hlen] = '\0';

	if (port_text && endpoint_parse_port(port_text, &port) < 0) {
		*reason = "bad port (0..65535)";
		return -1;
	}
	if (port < 0 || port > 65535) {
		*reason = "bad port (0..65535)";
		return -1;
	}

	memset(out, 0, sizeof(*out));
	if (want_v6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;

		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1) {
			*reason = "not a numeric IPv6 address";
			return -1;
		}
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*outlen = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)out;

		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
			*reason = "not a numeric IPv4 address";
			return -1;
		}
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*outlen = sizeof(*sin);
	}
	return 0;
}

bool endpoint_host_is_loopback(const char *host)
{
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 ||
	       strncmp(host, "::ffff:127.", 11) == 0;
}
