/* SPDX-License-Identifier: MIT */
/* sha256.h: SHA-256 (FIPS 180-4) of a buffer, for the policy layers the
 * audit log names (pure, no library). */
#ifndef CLAWSHIM_SHA256_H
#define CLAWSHIM_SHA256_H

#include <stddef.h>

/* The digest of data[0..len) as 64 lowercase hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[65]);

#endif
