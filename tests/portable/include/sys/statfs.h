/* Linux only: a source of the portable build includes <sys/statfs.h>. */
#error "<sys/statfs.h> does not exist on macOS"
