/* Linux only: a source of the portable build includes <sys/personality.h>. */
#error "<sys/personality.h> does not exist on macOS"
