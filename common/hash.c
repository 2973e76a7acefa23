/* hash.c: content hashes (OpenSSL libcrypto). */
#include "internal.h"

#include <openssl/evp.h>

cchc_status cchc_sha256_hex(const char *data, size_t len, char out[65],
                            cchc_error *err) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  static const char hex[] = "0123456789abcdef";
  out[0] = '\0';
  if (!EVP_Digest(data ? data : "", data ? len : 0, md, &mdlen, EVP_sha256(),
                  NULL) ||
      mdlen != 32)
    return cchc_fail(err, CCHC_ERR_INTERNAL, "SHA-256 failed");
  for (unsigned i = 0; i < 32; i++) {
    out[2 * i] = hex[md[i] >> 4];
    out[2 * i + 1] = hex[md[i] & 15];
  }
  out[64] = '\0';
  return CCHC_OK;
}
