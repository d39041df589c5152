/* fuzz_endpoint: endpoint_parse on arbitrary --bind text; what it accepts must
 * format and parse back to the same address and port.
 *
 * Input: bytes 0-2 choose the default port (sometimes out of range); the rest
 * is the text (a NUL ends it early). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "endpoint.h"
#include "fuzz.h"
#include "xalloc.h"

/* The address as 16 IPv6 bytes (IPv4 as IPv4-mapped, which is how
 * endpoint_format shows both) and the port. */
static void normalise(const struct sockaddr_storage *ss, uint8_t addr[16], unsigned *port)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		memset(addr, 0, 10);
		addr[10] = addr[11] = 0xff;
		memcpy(addr + 12, &sin->sin_addr, 4);
		*port = ntohs(sin->sin_port);
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		FUZZ_CHECK(ss->ss_family == AF_INET6);
		memcpy(addr, &sin6->sin6_addr, 16);
		*port = ntohs(sin6->sin6_port);
	}
}

/* The port text a --bind value carries ("[V6]:PORT" or "V4:PORT"), or NULL. */
static const char *port_text(const char *text)
{
	const char *colon;

	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		return close && close[1] == ':' ? close + 2 : NULL;
	}
	colon = strchr(text, ':');
	return colon && !strchr(colon + 1, ':') ? colon + 1 : NULL;
}

/* A port in decimal digits only: its value (capped at 65536), or -1. */
static long port_value(const char *s)
{
	long v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v <= 65535)
			v = v * 10 + (*s - '0');
	}
	return v > 65535 ? 65536 : v;
}

/* Checks that a parsed address is sane and survives format + parse. */
static void check_accepted(const char *text, const struct sockaddr_storage *ss, socklen_t len,
                           int default_port)
{
	struct sockaddr_storage again;
	socklen_t again_len = 0;
	const char *reason = NULL;
	char buf[ENDPOINT_STR_MAX];
	char host[ENDPOINT_STR_MAX];
	uint8_t a1[16], a2[16];
	unsigned p1, p2;

	FUZZ_CHECK(ss->ss_family == AF_INET || ss->ss_family == AF_INET6);
	FUZZ_CHECK(len == (ss->ss_family == AF_INET ? sizeof(struct sockaddr_in)
	                                            : sizeof(struct sockaddr_in6)));
	normalise(ss, a1, &p1);
	FUZZ_CHECK(p1 <= 65535);
	/* No port in the text (no ':' at all, or only inside "[...]" or a bare
	 * IPv6 address) means the default port. */
	if (!strchr(text, ':'))
		FUZZ_CHECK(p1 == (unsigned)default_port);

	FUZZ_CHECK(endpoint_format((const struct sockaddr *)ss, len, buf, sizeof(buf)) == 0);
	FUZZ_CHECK(strlen(buf) < sizeof(buf));
	FUZZ_CHECK(endpoint_parse(buf, 1, &again, &again_len, &reason) == 0);
	normalise(&again, a2, &p2);
	FUZZ_CHECK(memcmp(a1, a2, 16) == 0);
	FUZZ_CHECK(p1 == p2);

	/* The host alone parses back to the same address, with the default port. */
	FUZZ_CHECK(endpoint_format_host((const struct sockaddr *)ss, len, host, sizeof(host)) == 0);
	FUZZ_CHECK(strstr(buf, host) != NULL);
	FUZZ_CHECK(endpoint_parse(host, 7, &again, &again_len, &reason) == 0);
	normalise(&again, a2, &p2);
	FUZZ_CHECK(memcmp(a1, a2, 16) == 0 && p2 == 7);

	/* Too small a buffer fails with the placeholder, never a torn address. */
	for (size_t cap = 0; cap < strlen(buf) + 1; cap += 1 + cap / 4) {
		char small[ENDPOINT_STR_MAX];

		memset(small, 'x', sizeof(small));
		FUZZ_CHECK(endpoint_format((const struct sockaddr *)ss, len, small, cap) == -1);
		if (cap >= 2)
			FUZZ_CHECK(strcmp(small, "?") == 0);
		else if (cap == 1)
			FUZZ_CHECK(small[0] == '\0');
		else
			FUZZ_CHECK(small[0] == 'x');
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size, 0};
	uint8_t mode = fuzz_byte(&in);
	int default_port = (int)fuzz_u16(&in);
	struct sockaddr_storage ss;
	socklen_t len = 0;
	const char *reason = NULL;
	char *text;
	long port;
	int rc;

	if (size > 1024)
		return 0; /* a command-line argument, not a stream */
	if (mode & 1)
		default_port = -default_port;
	else if (mode & 2)
		default_port += 65535;
	text = xmalloc(size - in.pos + 1);
	memcpy(text, data + in.pos, size - in.pos);
	text[size - in.pos] = '\0';

	memset(&ss, 0xa5, sizeof(ss));
	rc = endpoint_parse(text, default_port, &ss, &len, &reason);
	port = port_value(port_text(text));
	if (port == 65536) /* digits, but out of range */
		FUZZ_CHECK(rc == -1);
	if (rc == 0) {
		uint8_t addr[16];
		unsigned got;

		check_accepted(text, &ss, len, default_port);
		normalise(&ss, addr, &got);
		if (port >= 0)
			FUZZ_CHECK(got == (unsigned)port);
	} else
		FUZZ_CHECK(rc == -1 && reason != NULL && reason[0] != '\0');

	/* endpoint_format on a sockaddr made of the input's bytes. */
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, data, size < sizeof(ss) ? size : sizeof(ss));
	ss.ss_family = (mode & 4) ? AF_INET6 : (mode & 8) ? AF_INET : ss.ss_family;
	{
		char buf[ENDPOINT_STR_MAX];

		rc = endpoint_format((const struct sockaddr *)&ss,
		                     (socklen_t)(mode % sizeof(ss) + 1), buf, sizeof(buf));
		FUZZ_CHECK(rc == 0 || strcmp(buf, "?") == 0);
		rc = endpoint_format_host((const struct sockaddr *)&ss, sizeof(ss), buf,
		                          sizeof(buf));
		FUZZ_CHECK(rc == 0 || strcmp(buf, "?") == 0);
	}
	free(text);
	return 0;
}
