/* Linux only: a source of the portable build includes <sys/vfs.h>. */
#error "<sys/vfs.h> does not exist on macOS"
