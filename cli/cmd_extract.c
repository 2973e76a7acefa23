/* cmd_extract.c: placeholder, replaced in this session. */
#include "cli.h"
int cmd_extract(int argc, char **argv) {
  cli_errorf("extract: not built yet");
  return EXIT_USAGE;
}
