/* Linux only: a source of the portable build includes <sys/auxv.h>. */
#error "<sys/auxv.h> does not exist on macOS"
