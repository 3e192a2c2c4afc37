/* SPDX-License-Identifier: MIT */
/* test_domains.c: [network] allow = domains - patterns, presets, the
 * tighten-only layering, address checks (policy/domains.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "../../policy/domains.h"
#include "../../policy/policy.h"

#define HDR "[clawshim]\nversion = 1\n"

static void load(struct policy *p, const char *text, enum trust t, const char *layer)
{
	struct policy_error err;
	int rc = policy_load_string(p, text, layer, t, &err);
	if (rc)
		fail_msg("%s: %s", layer, err.msg);
}

static int load_err(const char *text, char *msg, size_t n)
{
	struct policy p;
	struct policy_error err = { { 0 }, { 0 } };
	policy_init_empty(&p);
	int rc = policy_load_string(&p, text, "f.ini", TRUST_FULL, &err);
	snprintf(msg, n, "%s", err.msg);
	policy_free(&p);
	return rc;
}

static enum dom_verdict decide(const struct policy *p, const char *host, unsigned port)
{
	char norm[256], rule[96];
	bool ip;
	if (dom_norm_host(host, strlen(host), norm, sizeof(norm), &ip))
		return (enum dom_verdict)-1;
	return dom_decide(p, norm, ip, port, rule, sizeof(rule));
}

static void test_patterns(void **st)
{
	(void)st;
	struct policy p;
	policy_init_empty(&p);
	load(&p, HDR "[network]\nallow = domains\ndomains = exact.org, *.sub.org, **.both.org, "
	     "port.org:8443, 10.1.0.0/16, [::1]:22, 192.0.2.7\n", TRUST_FULL, "a");
	assert_int_equal(decide(&p, "exact.org", 443), DOM_ALLOW);
	assert_int_equal(decide(&p, "EXACT.org.", 443), DOM_ALLOW);
	assert_int_equal(decide(&p, "exact.org", 80), DOM_NOT_ALLOWED);
	assert_int_equal(decide(&p, "a.exact.org", 443), DOM_NOT_ALLOWED);
	assert_int_equal(decide(&p, "sub.org", 443), DOM_NOT_ALLOWED);
	assert_int_equal(decide(&p, "a.sub.org", 443), DOM_ALLOW);
	assert_int_equal(decide(&p, "a.b.sub.org", 443), DOM_ALLOW);
	assert_int_equal(decide(&p, "evilsub.org", 443), DOM_NOT_ALLOWED);
	assert_int_equal(decide(&p, "both.org", 443), DOM_ALLOW);
	assert_int_equal(decide(&p, "x.both.org", 443), DOM_ALLOW);
	assert_int_equal(decide(&p, "port.org", 8443), DOM_ALLOW);
	assert_int_equal(decide(&p, "port.org", 443), DOM_NOT_ALLOWED);
	assert_int_equal(decide(&p, "10.1.2.3", 443), DOM_ALLOW);
	assert_int_equal(decide(&p, "10.2.0.1", 443), DOM_IP_LITERAL);
	assert_int_equal(decide(&p, "[::1]", 22), DOM_ALLOW);
	assert_int_equal(decide(&p, "192.0.2.7", 443), DOM_ALLOW);
	/* Every spelling of an address is an address, never a name. */
	assert_int_equal(decide(&p, "2130706433", 443), DOM_IP_LITERAL);
	assert_int_equal(decide(&p, "0x7f.1", 443), DOM_IP_LITERAL);
	assert_int_equal(decide(&p, "127.1", 443), DOM_IP_LITERAL);
	/* Plain http adds port 80 to the entries without a port. */
	p.net_plain_http.val = true;
	assert_int_equal(decide(&p, "exact.org", 80), DOM_ALLOW);
	policy_free(&p);
}

static void test_bad_patterns(void **st)
{
	(void)st;
	char msg[640];
	static const char *const bad[] = { "*", "**", "*.com", "**.io", "*.co.uk", "*.github.io",
					   "a*.org", "x.*.org", "@nope", "a.org:0", "a.org:65536",
					   "a..org", "-", "[::1", "10.0.0.0/33", "a.org:x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[256];
		snprintf(text, sizeof(text), HDR "[network]\ndomains = %s\n", bad[i]);
		if (load_err(text, msg, sizeof(msg)) == 0)
			fail_msg("accepted '%s'", bad[i]);
		assert_non_null(strstr(msg, "f.ini:4: "));
	}
	assert_int_equal(load_err(HDR "[network]\ndomains = *.com\n", msg, sizeof(msg)), -1);
	assert_string_equal(msg, "f.ini:4: '*.com' is broader than one registrable domain");
	assert_int_equal(load_err(HDR "[network]\ndeny_domains = *.ngrok.io\n", msg, sizeof(msg)), -1);
	assert_int_equal(load_err(HDR "[network]\ndeny_domains = *.evil.org\n", msg, sizeof(msg)), 0);
	assert_int_equal(load_err(HDR "[network]\nupstream = http://u:p@proxy:3128\n", msg, sizeof(msg)), -1);
	assert_int_equal(load_err(HDR "[network]\nupstream = http://proxy.corp:3128\n", msg, sizeof(msg)), 0);
	assert_int_equal(load_err(HDR "[network]\nallow = some\n", msg, sizeof(msg)), -1);
}

static void test_layers(void **st)
{
	(void)st;
	struct policy p;
	policy_init_empty(&p);
	load(&p, HDR "[network]\nallow = domains\ndomains = @github, a.org, b.org\n", TRUST_FULL, "user");
	load(&p, HDR "[network]\ndomains = a.org, c.org\n", TRUST_FULL, "project");
	/* Every layer that sets domains must allow the host. */
	assert_int_equal(decide(&p, "a.org", 443), DOM_ALLOW);
	assert_int_equal(decide(&p, "b.org", 443), DOM_NOT_ALLOWED);
	assert_int_equal(decide(&p, "c.org", 443), DOM_NOT_ALLOWED);
	/* The workspace may narrow and deny, never widen. */
	load(&p, HDR "[network]\ndeny_domains = a.org\n", TRUST_TIGHTEN_ONLY, "ws");
	assert_int_equal(decide(&p, "a.org", 443), DOM_DENIED);
	struct policy_error err;
	assert_int_equal(policy_load_string(&p, HDR "[network]\nallow = all\n", "ws2",
					    TRUST_TIGHTEN_ONLY, &err), -1);
	assert_int_equal(policy_load_string(&p, HDR "[network]\nplain_http = true\n", "ws3",
					    TRUST_TIGHTEN_ONLY, &err), -1);
	assert_int_equal(policy_load_string(&p, HDR "[network]\nprivate = true\n", "ws4",
					    TRUST_TIGHTEN_ONLY, &err), -1);
	assert_int_equal(policy_load_string(&p, HDR "[network]\ndomains =\n", "ws5",
					    TRUST_TIGHTEN_ONLY, &err), -1);
	assert_int_equal(policy_load_string(&p, HDR "[network]\nupstream = http://x:1\n", "ws6",
					    TRUST_TIGHTEN_ONLY, &err), -1);
	policy_free(&p);

	/* A workspace alone grants nothing: allow = domains with no trusted
	 * domains, and the workspace adding one. */
	policy_init_empty(&p);
	load(&p, HDR "[network]\nallow = domains\n", TRUST_FULL, "user");
	load(&p, HDR "[network]\ndomains = evil.org\n", TRUST_TIGHTEN_ONLY, "ws");
	assert_int_equal(decide(&p, "evil.org", 443), DOM_NOT_ALLOWED);
	policy_free(&p);

	/* allow = none -> domains widens; all -> domains narrows. */
	policy_init_empty(&p);
	assert_int_equal(policy_load_string(&p, HDR "[network]\nallow = domains\n", "ws",
					    TRUST_TIGHTEN_ONLY, &err), -1);
	p.net_all.val = true;
	load(&p, HDR "[network]\nallow = domains\n", TRUST_TIGHTEN_ONLY, "ws2");
	assert_true(p.net_domains.val);
	assert_false(p.net_all.val);
	load(&p, HDR "[network]\nallow = none\n", TRUST_TIGHTEN_ONLY, "ws3");
	assert_false(p.net_domains.val);
	policy_free(&p);
}

static void test_cmdline_and_deny(void **st)
{
	(void)st;
	struct policy p;
	struct policy_error err;
	policy_init_empty(&p);
	load(&p, HDR "[network]\nallow = domains\ndomains = a.org\ndeny_domains = *.a.org, "
	     "gist.github.com\n", TRUST_FULL, "user");
	assert_int_equal(policy_add_item(&p, "network", "domains", "b.org", "command line", &err), 0);
	assert_int_equal(policy_add_item(&p, "network", "domains", "gist.github.com", "command line",
					 &err), 0);
	assert_int_equal(decide(&p, "b.org", 443), DOM_ALLOW);
	assert_int_equal(decide(&p, "a.org", 443), DOM_ALLOW);
	assert_int_equal(decide(&p, "x.a.org", 443), DOM_DENIED);
	assert_int_equal(decide(&p, "gist.github.com", 443), DOM_DENIED);
	policy_free(&p);
}

static void test_presets(void **st)
{
	(void)st;
	static const char *const names[] = { "npm", "pypi", "github", "crates", "go", "rubygems",
					     "maven" };
	char msg[256], hint[256];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct dom_preset *ps = dom_preset_find(names[i]);
		assert_non_null(ps);
		assert_true(ps->nhosts > 0);
		/* Each host of a preset is itself a valid, narrow entry. */
		for (size_t h = 0; h < ps->nhosts; h++)
			assert_int_equal(dom_check_item(ps->hosts[h].pattern, msg, sizeof(msg), hint,
							sizeof(hint)), 0);
	}
	struct policy p;
	policy_init_empty(&p);
	load(&p, HDR "[network]\nallow = domains\ndomains = @github, @go, @pypi\n", TRUST_FULL, "u");
	assert_int_equal(decide(&p, "release-assets.githubusercontent.com", 443), DOM_ALLOW);
	assert_int_equal(decide(&p, "github.com", 22), DOM_ALLOW);
	assert_int_equal(decide(&p, "api.github.com", 22), DOM_NOT_ALLOWED);
	assert_int_equal(decide(&p, "storage.googleapis.com", 443), DOM_ALLOW);
	assert_int_equal(decide(&p, "files.pythonhosted.org", 443), DOM_ALLOW);
	assert_int_equal(decide(&p, "registry.npmjs.org", 443), DOM_NOT_ALLOWED);
	unsigned ports[8];
	size_t n = dom_ports(&p, ports, 8);
	assert_int_equal(n, 2);
	assert_int_equal(ports[0], 22);
	assert_int_equal(ports[1], 443);
	assert_true(dom_any_ssh(&p));
	bool upload = false;
	const struct dom_preset *gh = dom_preset_find("github");
	for (size_t h = 0; h < gh->nhosts; h++)
		upload |= gh->hosts[h].upload && !strcmp(gh->hosts[h].pattern, "github.com");
	assert_true(upload);
	policy_free(&p);
}

static bool priv(const char *a)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	if (inet_pton(AF_INET, a, &in.sin_addr) == 1)
		return dom_addr_private((struct sockaddr *)&in, sizeof(in));
	assert_int_equal(inet_pton(AF_INET6, a, &in6.sin6_addr), 1);
	return dom_addr_private((struct sockaddr *)&in6, sizeof(in6));
}

static void test_addresses(void **st)
{
	(void)st;
	static const char *const private_[] = { "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1",
		"169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::",
		"fc00::1", "fd12::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
		"64:ff9b::a00:1", "2001:db8::1", "198.18.0.1" };
	static const char *const public_[] = { "8.8.8.8", "140.82.112.3", "2606:4700::1",
		"::ffff:8.8.8.8", "172.32.0.1", "100.128.0.1" };
	for (size_t i = 0; i < sizeof(private_) / sizeof(private_[0]); i++)
		if (!priv(private_[i]))
			fail_msg("%s is not private", private_[i]);
	for (size_t i = 0; i < sizeof(public_) / sizeof(public_[0]); i++)
		if (priv(public_[i]))
			fail_msg("%s is private", public_[i]);
	struct policy p;
	policy_init_empty(&p);
	load(&p, HDR "[network]\nallow = domains\ndomains = 10.9.0.0/16, a.org\n", TRUST_FULL, "u");
	struct sockaddr_in in = { .sin_family = AF_INET };
	inet_pton(AF_INET, "10.9.1.1", &in.sin_addr);
	assert_true(dom_addr_ok(&p, (struct sockaddr *)&in, sizeof(in)));
	inet_pton(AF_INET, "10.8.1.1", &in.sin_addr);
	assert_false(dom_addr_ok(&p, (struct sockaddr *)&in, sizeof(in)));
	p.net_private.val = true;
	assert_true(dom_addr_ok(&p, (struct sockaddr *)&in, sizeof(in)));
	policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_bad_patterns),
		cmocka_unit_test(test_layers),
		cmocka_unit_test(test_cmdline_and_deny),
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_addresses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
