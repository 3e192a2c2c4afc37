/* Linux only: a source of the portable build includes <linux/audit.h>. */
#error "<linux/audit.h> does not exist on macOS"
