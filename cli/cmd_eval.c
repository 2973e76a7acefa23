/* cmd_eval.c: placeholder, replaced in this session. */
#include "cli.h"
int cmd_eval(int argc, char **argv) {
  cli_errorf("eval: not built yet");
  return EXIT_USAGE;
}
