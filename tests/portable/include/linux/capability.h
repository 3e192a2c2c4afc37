/* Linux only: a source of the portable build includes <linux/capability.h>. */
#error "<linux/capability.h> does not exist on macOS"
