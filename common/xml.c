/* xml.c: libxml2 set up once per process, for every thread. */
#include "internal.h"

#include <libxml/parser.h>
#include <pthread.h>

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

void cchc_xml_init(void) { pthread_once(&xml_once, xmlInitParser); }
