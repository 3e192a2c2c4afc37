/* Linux only: a source of the portable build includes <sys/prctl.h>. */
#error "<sys/prctl.h> does not exist on macOS"
