/* Linux only: a source of the portable build includes <sys/epoll.h>. */
#error "<sys/epoll.h> does not exist on macOS"
