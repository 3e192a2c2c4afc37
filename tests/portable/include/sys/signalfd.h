/* Linux only: a source of the portable build includes <sys/signalfd.h>. */
#error "<sys/signalfd.h> does not exist on macOS"
