/* Linux only: a source of the portable build includes <linux/close_range.h>. */
#error "<linux/close_range.h> does not exist on macOS"
