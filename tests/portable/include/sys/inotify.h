/* Linux only: a source of the portable build includes <sys/inotify.h>. */
#error "<sys/inotify.h> does not exist on macOS"
