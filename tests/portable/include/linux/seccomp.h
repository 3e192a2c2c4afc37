/* Linux only: a source of the portable build includes <linux/seccomp.h>. */
#error "<linux/seccomp.h> does not exist on macOS"
