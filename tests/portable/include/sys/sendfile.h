/* Linux only: a source of the portable build includes <sys/sendfile.h>. */
#error "<sys/sendfile.h> does not exist on macOS"
