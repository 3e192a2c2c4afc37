/* Linux only: a source of the portable build includes <sys/capability.h>. */
#error "<sys/capability.h> does not exist on macOS"
