/* Unit tests for tls_cert: the generated key and certificate (real files in
 * a temporary directory) and the SPKI fingerprint. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls_cert.h"

static char dir[64], cert_path[128], key_path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/parley-tlscert-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(cert_path, sizeof cert_path, "%s/cert.pem", dir);
	snprintf(key_path, sizeof key_path, "%s/key.pem", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(cert_path);
	unlink(key_path);
	rmdir(dir);
	return 0;
}

/* Reads a PEM certificate. */
static X509 *cert_read(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	return x;
}

/* The hex SHA-256 of a key's SubjectPublicKeyInfo, computed from the key. */
static void key_spki_hex(const char *path, char *hex)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(key);
	unsigned char *der = NULL;
	int len = i2d_PUBKEY(key, &der);
	assert_true(len > 0);
	unsigned char md[32];
	unsigned int mdlen = 0;
	assert_true(EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(), NULL));
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	OPENSSL_free(der);
	EVP_PKEY_free(key);
}

static void test_generate_and_fingerprint(void **state)
{
	(void)state;
	char err[256];
	assert_int_equal(tls_cert_generate(cert_path, key_path, err, sizeof err), 0);
	struct stat sb;
	assert_int_equal(stat(cert_path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(key_path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	X509 *x = cert_read(cert_path);
	EVP_PKEY *pub = X509_get0_pubkey(x);
	assert_int_equal(EVP_PKEY_get_base_id(pub), EVP_PKEY_EC);
	assert_int_equal(X509_verify(x, pub), 1); /* self-signed */
	assert_int_equal(X509_check_host(x, "localhost", 0, 0, NULL), 1);
	assert_int_equal(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
	assert_int_equal(X509_check_ip_asc(x, "::1", 0), 1);
	assert_int_equal(X509_check_host(x, "example.org", 0, 0, NULL), 0);

	char from_cert[65], from_file[65], from_key[65];
	assert_int_equal(tls_cert_fingerprint(x, from_cert), 0);
	assert_int_equal(tls_cert_file_fingerprint(cert_path, from_file, err, sizeof err), 0);
	key_spki_hex(key_path, from_key);
	assert_int_equal(strlen(from_cert), 64);
	assert_string_equal(from_cert, from_file);
	assert_string_equal(from_cert, from_key);
	X509_free(x);

	/* A second pair has another key, hence another fingerprint. */
	assert_int_equal(tls_cert_generate(cert_path, key_path, err, sizeof err), 0);
	char again[65];
	assert_int_equal(tls_cert_file_fingerprint(cert_path, again, err, sizeof err), 0);
	assert_string_not_equal(again, from_cert);
}

static void test_file_errors(void **state)
{
	(void)state;
	char err[256], hex[65];
	assert_int_equal(tls_cert_file_fingerprint("/nonexistent/cert.pem", hex, err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "cannot read /nonexistent/cert.pem"));
	FILE *f = fopen(cert_path, "w");
	assert_non_null(f);
	fputs("not a certificate\n", f);
	fclose(f);
	assert_int_equal(tls_cert_file_fingerprint(cert_path, hex, err, sizeof err), -1);
	assert_non_null(strstr(err, "holds no PEM certificate"));
	assert_int_equal(tls_cert_generate(cert_path, "/nonexistent/key.pem", err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "/nonexistent/key.pem"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_generate_and_fingerprint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_errors, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
