/* Linux only: a source of the portable build includes <seccomp.h>. */
#error "<seccomp.h> does not exist on macOS"
