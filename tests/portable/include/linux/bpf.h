/* Linux only: a source of the portable build includes <linux/bpf.h>. */
#error "<linux/bpf.h> does not exist on macOS"
