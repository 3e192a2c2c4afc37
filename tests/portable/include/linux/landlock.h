/* Linux only: a source of the portable build includes <linux/landlock.h>. */
#error "<linux/landlock.h> does not exist on macOS"
