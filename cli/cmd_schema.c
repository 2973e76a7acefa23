/* cmd_schema.c: placeholder, replaced in this session. */
#include "cli.h"
int cmd_schema(int argc, char **argv) {
  cli_errorf("schema: not built yet");
  return EXIT_USAGE;
}
