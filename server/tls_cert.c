/* tls_cert: see tls_cert.h. */
#include "tls_cert.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define CERT_VALID_DAYS 3650
#define SAN_MAX 4096          /* the subjectAltName text, all names together */
#define LAN_ADDRESSES_MAX 16  /* interface addresses put in the certificate */

/* A host name fit for a DNS SAN: letters, digits, '-' and '.', not empty. */
static bool dns_name_ok(const char *name)
{
	if (!name[0] || strlen(name) > 253)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			return false;
	return true;
}

/* Appends ",KIND:value" to san (bounded). */
static void san_add(char *san, const char *kind, const char *value)
{
	size_t used = strlen(san);
	snprintf(san + used, SAN_MAX - used, "%s%s:%s", used ? "," : "", kind, value);
}

/* Adds the machine's non-loopback, non-link-local addresses. */
static void san_add_lan(char *san)
{
	struct ifaddrs *ifs;
	if (getifaddrs(&ifs) < 0)
		return;
	int added = 0;
	for (struct ifaddrs *i = ifs; i && added < LAN_ADDRESSES_MAX; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		char text[INET6_ADDRSTRLEN];
		if (i->ifa_addr->sa_family == AF_INET) {
			struct in_addr a = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
			if ((ntohl(a.s_addr) >> 24) == 127)
				continue;
			inet_ntop(AF_INET, &a, text, sizeof text);
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			struct in6_addr *a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
			if (IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_LINKLOCAL(a))
				continue;
			inet_ntop(AF_INET6, a, text, sizeof text);
		} else {
			continue;
		}
		if (!strstr(san, text)) {
			san_add(san, "IP", text);
			added++;
		}
	}
	freeifaddrs(ifs);
}

/* The subjectAltName text for this machine; *cn gets the host name. */
static void san_build(char *san, char *cn, size_t cncap)
{
	char host[256] = "";
	san[0] = '\0';
	snprintf(cn, cncap, "localhost");
	if (gethostname(host, sizeof host - 1) == 0 && dns_name_ok(host)) {
		snprintf(cn, cncap, "%s", host);
		san_add(san, "DNS", host);
		char *dot = strchr(host, '.');
		if (dot)
			*dot = '\0'; /* host.local is the short name's */
		char local[300];
		snprintf(local, sizeof local, "%s.local", host);
		san_add(san, "DNS", local);
	}
	san_add(san, "DNS", "localhost");
	san_add(san, "IP", "127.0.0.1");
	san_add(san, "IP", "::1");
	san_add_lan(san);
}

/* Adds one X509v3 extension given as config text. */
static int ext_add(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return -1;
	int ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/* A random positive 64-bit serial number. */
static int serial_set(X509 *x)
{
	unsigned char bytes[8];
	if (RAND_bytes(bytes, sizeof bytes) != 1)
		return -1;
	bytes[0] &= 0x7f;
	BIGNUM *bn = BN_bin2bn(bytes, sizeof bytes, NULL);
	int ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok ? 0 : -1;
}

/* The self-signed certificate for key. */
static X509 *cert_make(EVP_PKEY *key)
{
	char san[SAN_MAX], cn[256];
	san_build(san, cn, sizeof cn);
	X509 *x = X509_new();
	if (!x)
		return NULL;
	X509_NAME *name = X509_get_subject_name(x);
	bool ok = X509_set_version(x, 2) && serial_set(x) == 0 &&
		  X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
		  X509_time_adj_ex(X509_getm_notAfter(x), CERT_VALID_DAYS, 0, NULL) &&
		  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
					     (const unsigned char *)"parleyd", -1, -1, 0) &&
		  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					     (const unsigned char *)cn, -1, -1, 0) &&
		  X509_set_issuer_name(x, name) && X509_set_pubkey(x, key) &&
		  ext_add(x, NID_subject_alt_name, san) == 0 &&
		  ext_add(x, NID_basic_constraints, "critical,CA:FALSE") == 0 &&
		  ext_add(x, NID_key_usage, "critical,digitalSignature") == 0 &&
		  ext_add(x, NID_ext_key_usage, "serverAuth") == 0 &&
		  X509_sign(x, key, EVP_sha256()) > 0;
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Writes a PEM file (0600) through path.tmp and a rename. */
static int pem_file_write(const char *path, EVP_PKEY *key, X509 *cert, char *err,
			  size_t errcap)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		snprintf(err, errcap, "cannot create %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int ok = key ? PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL)
		     : PEM_write_X509(f, cert);
	ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) < 0) {
		snprintf(err, errcap, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int tls_cert_generate(const char *cert_path, const char *key_path, char *err, size_t errcap)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	if (!key) {
		snprintf(err, errcap, "cannot generate an EC P-256 key");
		return -1;
	}
	X509 *cert = cert_make(key);
	int rc = -1;
	if (!cert)
		snprintf(err, errcap, "cannot make a self-signed certificate");
	else if (pem_file_write(key_path, key, NULL, err, errcap) == 0 &&
		 pem_file_write(cert_path, NULL, cert, err, errcap) == 0)
		rc = 0;
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}

int tls_cert_fingerprint(X509 *cert, char *hex)
{
	unsigned char *der = NULL;
	int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	if (len <= 0)
		return -1;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int ok = EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(), NULL);
	OPENSSL_free(der);
	if (!ok || mdlen != 32)
		return -1;
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

int tls_cert_file_fingerprint(const char *path, char *hex, char *err, size_t errcap)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errcap, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	X509 *cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	int rc = cert ? tls_cert_fingerprint(cert, hex) : -1;
	if (rc < 0)
		snprintf(err, errcap, "%s holds no PEM certificate", path);
	X509_free(cert);
	return rc;
}
