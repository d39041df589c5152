/* siphash: SipHash-2-4 under the process secret. */
#include "siphash.h"

/* The secret; a fixed default until siphash_seed() is called. */
static uint64_t sip_k0 = 0x0706050403020100ULL, sip_k1 = 0x0f0e0d0c0b0a0908ULL;

void siphash_seed(uint64_t k0, uint64_t k1)
{
	sip_k0 = k0;
	sip_k1 = k1;
}

#define SIP_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIP_ROUND                                                                                  \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = SIP_ROTL(v1, 13);                                                             \
		v1 ^= v0;                                                                          \
		v0 = SIP_ROTL(v0, 32);                                                             \
		v2 += v3;                                                                          \
		v3 = SIP_ROTL(v3, 16);                                                             \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = SIP_ROTL(v3, 21);                                                             \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = SIP_ROTL(v1, 17);                                                             \
		v1 ^= v2;                                                                          \
		v2 = SIP_ROTL(v2, 32);                                                             \
	} while (0)

uint64_t siphash(const void *data, size_t len)
{
	const unsigned char *in = data;
	uint64_t v0 = 0x736f6d6570736575ULL ^ sip_k0, v1 = 0x646f72616e646f6dULL ^ sip_k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ sip_k0, v3 = 0x7465646279746573ULL ^ sip_k1;
	uint64_t b = (uint64_t)len << 56;
	size_t end = len - len % 8;

	for (size_t i = 0; i < end; i += 8) {
		uint64_t m = 0;
		for (int k = 7; k >= 0; k--)
			m = m << 8 | in[i + (size_t)k];
		v3 ^= m;
		SIP_ROUND;
		SIP_ROUND;
		v0 ^= m;
	}
	for (size_t i = 0; i < len % 8; i++)
		b |= (uint64_t)in[end + i] << (8 * i);
	v3 ^= b;
	SIP_ROUND;
	SIP_ROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIP_ROUND;
	SIP_ROUND;
	SIP_ROUND;
	SIP_ROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}
