/* SPDX-License-Identifier: MIT */
/* fuzz_proxy.c: libFuzzer target for the proxy's request parsers and
 * the host normaliser (what the command controls). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../policy/domains.h"
#include "../../process/proxy_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy_req r;
	char out[256];
	bool ip;
	if (proxy_parse_http((const char *)data, size, &r) == 1) {
		if (r.head_len > size || r.path_off + r.path_len > size || r.hdr_off > r.head_len)
			__builtin_trap();
		dom_norm_host(r.host, strlen(r.host), out, sizeof(out), &ip);
	}
	proxy_socks_greeting(data, size);
	if (proxy_socks_request(data, size, &r) > (int)size)
		__builtin_trap();
	proxy_tls_sni(data, size, out, sizeof(out));
	dom_norm_host((const char *)data, size, out, sizeof(out), &ip);
	return 0;
}
