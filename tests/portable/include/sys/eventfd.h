/* Linux only: a source of the portable build includes <sys/eventfd.h>. */
#error "<sys/eventfd.h> does not exist on macOS"
