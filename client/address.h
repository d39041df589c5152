/* address: the server address the user typed, parsed without I/O:
 * "[nick@]host[:port]", "[nick@][v6]:port", "ircs://[nick@]host[:port]" (TLS)
 * and "irc://[nick@]host[:port]" (plain). A trailing "/" (a URL's empty
 * path) is accepted. Also the key the known_servers file uses for a server. */
#ifndef PARLEY_ADDRESS_H
#define PARLEY_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#define ADDRESS_HOST_MAX 255 /* longest DNS name */
#define ADDRESS_NICK_MAX 64
#define ADDRESS_PORT_MAX 5
#define ADDRESS_KEY_MAX (ADDRESS_HOST_MAX + ADDRESS_PORT_MAX + 4) /* "[host]:port" */

struct address {
	char nick[ADDRESS_NICK_MAX + 1]; /* "" when not given */
	char host[ADDRESS_HOST_MAX + 1]; /* "" when not given; no brackets */
	char port[ADDRESS_PORT_MAX + 1]; /* "" when not given; 1..65535 */
	bool scheme_tls;                 /* ircs:// */
	bool scheme_plain;               /* irc:// */
};

/* Parses arg into out. Returns 0, or -1 when it is not an address (a bad
 * port, an unclosed bracket, a part too long, an unknown scheme). */
int address_parse(const char *arg, struct address *out);

/* The known_servers key "host:port" ("[v6]:port" for an IPv6 address),
 * host lower-cased. Returns 0, or -1 when it does not fit cap. */
int address_key(const char *host, const char *port, char *out, size_t cap);

#endif
