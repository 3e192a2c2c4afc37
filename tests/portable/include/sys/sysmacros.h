/* Linux only: a source of the portable build includes <sys/sysmacros.h>. */
#error "<sys/sysmacros.h> does not exist on macOS"
