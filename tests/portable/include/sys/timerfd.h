/* Linux only: a source of the portable build includes <sys/timerfd.h>. */
#error "<sys/timerfd.h> does not exist on macOS"
