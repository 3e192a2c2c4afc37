// SPDX-License-Identifier: MIT
/*
 * floor: the least any exec shim can cost.  Built static (no dynamic loader,
 * no relocations), it does nothing but execve its arguments, so timing
 * `floor /bin/true` against `/bin/true` measures one extra execve and a tiny
 * process image: the cost clawshim has to be compared with.
 */
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 125;
	execv(argv[1], argv + 1);
	return 127;
}
