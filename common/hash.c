/* hash.c: content hashes (OpenSSL libcrypto). */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>

#include <openssl/evp.h>

/* The 32 bytes of a SHA-256 digest as 64 lowercase hex digits. */
static void digest_hex(const unsigned char md[32], char out[65]) {
  static const char hex[] = "0123456789abcdef";
  for (unsigned i = 0; i < 32; i++) {
    out[2 * i] = hex[md[i] >> 4];
    out[2 * i + 1] = hex[md[i] & 15];
  }
  out[64] = '\0';
}

cchc_status cchc_sha256_hex(const char *data, size_t len, char out[65],
                            cchc_error *err) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  out[0] = '\0';
  if (!EVP_Digest(data ? data : "", data ? len : 0, md, &mdlen, EVP_sha256(),
                  NULL) ||
      mdlen != 32)
    return cchc_fail(err, CCHC_ERR_INTERNAL, "SHA-256 failed");
  digest_hex(md, out);
  return CCHC_OK;
}

/* SHA-256 fetched once per process: given EVP_sha256(), each
 * EVP_DigestInit_ex looks the algorithm up among the providers again, a
 * cost per document that a batch of many small plans pays many times.
 * Kept to the end (a few hundred bytes); EVP_sha256() when the fetch
 * failed. */
static EVP_MD *sha256_fetched;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void) {
  sha256_fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *sha256_md(void) {
  pthread_once(&sha256_once, fetch_sha256);
  return sha256_fetched ? sha256_fetched : EVP_sha256();
}

/* The EVP context is the state: the struct only names it. */
struct cchc_sha256 {
  EVP_MD_CTX *ctx;
  bool failed;
};

cchc_sha256 *cchc_sha256_begin(void) {
  cchc_sha256 *h = malloc(sizeof *h);
  if (!h)
    return NULL;
  h->ctx = EVP_MD_CTX_new();
  h->failed = !h->ctx || !EVP_DigestInit_ex(h->ctx, sha256_md(), NULL);
  if (!h->ctx) {
    free(h);
    return NULL;
  }
  return h;
}

bool cchc_sha256_add(cchc_sha256 *h, const char *data, size_t len) {
  if (!h->failed && len && !EVP_DigestUpdate(h->ctx, data, len))
    h->failed = true;
  return !h->failed;
}

cchc_status cchc_sha256_end(cchc_sha256 *h, char out[65], cchc_error *err) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  bool ok = h && !h->failed && out && EVP_DigestFinal_ex(h->ctx, md, &mdlen) &&
            mdlen == 32;
  if (h) {
    EVP_MD_CTX_free(h->ctx);
    free(h);
  }
  if (!out)
    return CCHC_OK;
  out[0] = '\0';
  if (!ok)
    return cchc_fail(err, CCHC_ERR_INTERNAL, "SHA-256 failed");
  digest_hex(md, out);
  return CCHC_OK;
}
