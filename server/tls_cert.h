/* tls_cert: making parleyd's own key and self-signed certificate, and the
 * SPKI fingerprint of a certificate. No sockets; files only. */
#ifndef PARLEY_TLS_CERT_H
#define PARLEY_TLS_CERT_H

#include <stddef.h>

typedef struct x509_st X509;

/* Creates an EC P-256 key and a self-signed certificate for this machine
 * (subject CN = host name; SANs: host name, host.local, localhost, its LAN
 * addresses, 127.0.0.1, ::1; valid 10 years) in key_path and cert_path,
 * both 0600, each written to a temporary file first and renamed. Returns 0,
 * or -1 with a message in err. */
int tls_cert_generate(const char *cert_path, const char *key_path, char *err, size_t errcap);

/* The lower-case hex SHA-256 of cert's SubjectPublicKeyInfo (DER) into hex
 * (65 bytes). Returns 0 or -1. */
int tls_cert_fingerprint(X509 *cert, char *hex);

/* Reads the first certificate of a PEM file and fingerprints it. Returns 0,
 * or -1 with a message in err. */
int tls_cert_file_fingerprint(const char *path, char *hex, char *err, size_t errcap);

#endif
