/* Linux only: a source of the portable build includes <sys/fsuid.h>. */
#error "<sys/fsuid.h> does not exist on macOS"
