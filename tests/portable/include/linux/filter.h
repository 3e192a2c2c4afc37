/* Linux only: a source of the portable build includes <linux/filter.h>. */
#error "<linux/filter.h> does not exist on macOS"
